/**
 * deploy/image/course-start, the image's entry point: which server it starts (a hub's
 * jupyterhub-singleuser when the hub's token is there, JupyterLab otherwise), that a hub's own command
 * and bare options reach the server, that the course kernel's folder is on JUPYTER_PATH, and that a
 * course that cannot be copied does not keep the server from starting. The servers are stand-ins here
 * that print how they were called; the image test (test/image) starts the real one.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";

const root = path.resolve(__dirname, "..", "..");
const script = path.join(root, "deploy", "image", "course-start");

function start(args: string[], env: Record<string, string>): { status: number | null; out: string; err: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "course-start-"));
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  for (const name of ["jupyter", "jupyterhub-singleuser"]) {
    fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*"\necho "JUPYTER_PATH=$JUPYTER_PATH"\n`, { mode: 0o755 });
  }
  const r = spawnSync("bash", [script, ...args], {
    encoding: "utf8",
    env: { PATH: `${bin}:/usr/bin:/bin`, HOME: path.join(dir, "home"), ...env },
  });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

test("with no command it starts JupyterLab, or jupyterhub-singleuser under a hub", () => {
  const lab = start([], {});
  assert.equal(lab.status, 0, lab.err);
  assert.match(lab.out, /^jupyter lab --ip=0\.0\.0\.0 --port=8888 --no-browser$/m);
  assert.match(lab.out, /^JUPYTER_PATH=.*\/home\/course\/jupyter$/m);
  const hub = start([], { JUPYTERHUB_API_TOKEN: "t" });
  assert.match(hub.out, /^jupyterhub-singleuser $/m);
});

test("a hub's command and bare options reach the server", () => {
  assert.match(start(["jupyterhub-singleuser", "--debug"], { JUPYTERHUB_API_TOKEN: "t" }).out, /^jupyterhub-singleuser --debug$/m);
  assert.match(start(["--port=9999"], {}).out, /^jupyter lab --port=9999$/m);
  assert.match(start(["--port=9999"], { JUPYTERHUB_API_TOKEN: "t" }).out, /^jupyterhub-singleuser --port=9999$/m);
  // JUPYTER_PATH set by the image already: the kernel's folder is not added twice.
  const again = start([], { COURSE_HOME: "/h/course", JUPYTER_PATH: "/h/course/jupyter:/other" });
  assert.match(again.out, /^JUPYTER_PATH=\/h\/course\/jupyter:\/other$/m);
});

test("a course that cannot be copied is reported, and the server starts all the same", () => {
  // Outside the image there is no /opt/course/home to copy from.
  const r = start([], {});
  assert.equal(r.status, 0);
  assert.match(r.err, /the course could not be copied into .*home\/course/);
  assert.match(r.out, /^jupyter lab /m);
});
