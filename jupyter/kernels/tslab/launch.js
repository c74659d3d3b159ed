// Starts the project's own tslab kernel with the project root as working directory.
// tslab compiles a notebook's cells with TypeScript's rootDir set to the kernel's cwd, so starting
// at the root lets every chapter write `import * as dl from "./lib"` and read `data/...` paths
// exactly like the R course, whichever folder the notebook itself lives in.
//
// kernel.json starts Node with --heap-growing-percent=25: V8 then collects garbage once the heap has
// grown by a quarter instead of letting it double. tslab type-checks every cell and leaves a lot of
// garbage behind, so the default let the kernel's memory climb ~10 MB a cell; with the flag a chapter's
// kernel peaks about 200 MB lower at no measurable cost in time (issue 18).
const path = require("path");
const root = path.resolve(__dirname, "..", "..", "..");
process.chdir(root);
require(path.join(root, "node_modules", "tslab", "dist", "main.js")).main();
