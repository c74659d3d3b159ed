// Starts the project's own tslab kernel with the project root as working directory.
// tslab compiles a notebook's cells with TypeScript's rootDir set to the kernel's cwd, so starting
// at the root lets every chapter write `import * as dl from "./lib"` and read `data/...` paths
// exactly like the R course, whichever folder the notebook itself lives in.
const path = require("path");
const root = path.resolve(__dirname, "..", "..", "..");
process.chdir(root);
require(path.join(root, "node_modules", "tslab", "dist", "main.js")).main();
