/**
 * Real JupyterLab and a real browser for tests: JupyterLab 4 from the project's .venv on a free
 * loopback port with a random token and the repo's kernelspec (JUPYTER_PATH=<root>/jupyter), and
 * Debian's Chromium driven by puppeteer-core (which uses that binary and downloads nothing).
 *
 * Everything the server would read or write in a home folder (config, runtime files, lab settings
 * and workspaces, kernelspecs) goes to a fresh temporary folder, so a user's own Jupyter set-up
 * cannot change what is tested and the test leaves nothing behind. `stop()` shuts the kernels and
 * the server down and then ends, by process id, anything still running whose command line names
 * that folder (the kernels: their connection files live there).
 */
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { spawn, ChildProcess } from "child_process";
import puppeteer, { Browser } from "puppeteer-core";

export const chromiumPath = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));

export interface Lab {
  /** http://127.0.0.1:<port> */
  base: string;
  token: string;
  /** The folder JupyterLab serves (notebook paths in the API are relative to it). */
  root: string;
  /** The temporary folder holding the server's config, runtime files, settings and its log. */
  home: string;
  /** GET (or another method) on the server's REST API, with the token; resolves to parsed JSON or null. */
  api(route: string, method?: string): Promise<unknown>;
  /** The server's log so far. */
  log(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function request(url: string, method = "GET"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method }, (res) => {
      let body = "";
      res.on("data", (d) => (body += String(d)));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.end();
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 1));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Process ids whose command line mentions `text` (Linux /proc). */
export function processesMentioning(text: string): number[] {
  if (!fs.existsSync("/proc")) return [];
  const out: number[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/cmdline`, "utf8").includes(text)) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function endProcessGroup(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const done = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!done) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
    await Promise.race([exited, sleep(2000)]);
  }
}

/**
 * A copy of what a kernel compiles and reads (lib/, the kernelspec, tsconfig.json, package.json,
 * and `extra` paths), with node_modules linked, in a fresh temporary folder. A kernel started there
 * sees the tree as it was when the test began: tslab's TypeScript watcher fails a cell ("Unexpected
 * pending rebuildTimer") when a lib file changes on disk while it compiles, which happens whenever
 * someone edits lib/ during a run. Remove it with fs.rmSync(dir, { recursive: true }).
 */
export function snapshotProject(root: string, extra: readonly string[] = []): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "course-snapshot-"));
  for (const p of ["lib", "jupyter", "tsconfig.json", "package.json", ...extra]) {
    if (fs.existsSync(path.join(root, p))) fs.cpSync(path.join(root, p), path.join(dir, p), { recursive: true });
  }
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.mkdirSync(path.join(dir, "data"), { recursive: true });
  return dir;
}

/**
 * Starts JupyterLab with `root` as its root folder (the project, or a `snapshotProject` of it). `env` is added to the server's (and so
 * the kernels') environment, e.g. { COURSE_FAST: "1" }.
 */
export async function startLab(root: string, env: Record<string, string> = {}, jupyter = path.join(root, ".venv", "bin", "jupyter")): Promise<Lab> {
  if (!fs.existsSync(jupyter)) throw new Error(`${jupyter} is missing: run bash scripts/course.sh setup`);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "course-lab-"));
  const dirs = {
    config: path.join(home, "config"),
    data: path.join(home, "data"),
    runtime: path.join(home, "runtime"),
    settings: path.join(home, "settings"),
    workspaces: path.join(home, "workspaces"),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  // Every cell in the DOM (no windowing), and no news or update checks (there is no network).
  writeJson(path.join(dirs.settings, "@jupyterlab", "notebook-extension", "tracker.jupyterlab-settings"), { windowingMode: "none" });
  writeJson(path.join(dirs.settings, "@jupyterlab", "apputils-extension", "notification.jupyterlab-settings"), {
    fetchNews: "false", checkForUpdates: false,
  });
  // Notebooks opened by a test must not be written back.
  writeJson(path.join(dirs.settings, "@jupyterlab", "docmanager-extension", "plugin.jupyterlab-settings"), { autosave: false });
  const port = await freePort();
  const token = Array.from({ length: 4 }, () => Math.random().toString(36).slice(2)).join("");
  const logFile = path.join(home, "lab.log");
  const logFd = fs.openSync(logFile, "w");
  const child = spawn(
    jupyter,
    [
      "lab", "--no-browser", "--ServerApp.ip=127.0.0.1", `--ServerApp.port=${port}`, "--ServerApp.port_retries=0",
      `--IdentityProvider.token=${token}`, `--ServerApp.root_dir=${root}`, "--LabApp.news_url=None",
      "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
      ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
    ],
    {
      cwd: root,
      detached: true, // its own process group, ended as a whole
      stdio: ["ignore", logFd, logFd],
      env: {
        ...process.env,
        ...env,
        JUPYTER_PATH: path.join(root, "jupyter"),
        JUPYTER_CONFIG_DIR: dirs.config,
        JUPYTER_DATA_DIR: dirs.data,
        JUPYTER_RUNTIME_DIR: dirs.runtime,
        JUPYTERLAB_SETTINGS_DIR: dirs.settings,
        JUPYTERLAB_WORKSPACES_DIR: dirs.workspaces,
        JUPYTER_PLATFORM_DIRS: "1",
      },
    },
  );
  fs.closeSync(logFd);
  const base = `http://127.0.0.1:${port}`;
  const log = (): string => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "");
  const api = async (route: string, method = "GET"): Promise<unknown> => {
    const sep = route.includes("?") ? "&" : "?";
    const r = await request(`${base}${route}${sep}token=${token}`, method);
    if (r.status >= 400) throw new Error(`${method} ${route}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
    return r.body.trim() === "" ? null : JSON.parse(r.body);
  };

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    try {
      const kernels = (await api("/api/kernels")) as { id: string }[];
      for (const k of kernels) await api(`/api/kernels/${k.id}`, "DELETE").catch(() => undefined);
    } catch {
      // server already gone
    }
    await endProcessGroup(child, 10_000);
    // Kernels run in sessions of their own; their connection files are under our runtime folder.
    for (const pid of processesMentioning(dirs.runtime)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    fs.rmSync(home, { recursive: true, force: true });
  };

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) {
      const text = log();
      await stop();
      throw new Error(`jupyter lab exited (${child.exitCode}):\n${text.slice(-2000)}`);
    }
    try {
      const r = await request(`${base}/api/status?token=${token}`);
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const text = log();
      await stop();
      throw new Error(`jupyter lab did not answer on ${base} within 90 s:\n${text.slice(-2000)}`);
    }
    await sleep(300);
  }
  return { base, token, root, home, api, log, stop };
}

/** Headless Chromium (Debian's) under puppeteer-core, with a fresh profile that is removed on close. */
export async function startBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  if (!chromiumPath) throw new Error("chromium is not installed");
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "course-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: chromiumPath,
    headless: true,
    userDataDir: profile,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
    ],
    defaultViewport: { width: 1400, height: 1000 },
  });
  const pid = browser.process()?.pid;
  return {
    browser,
    close: async () => {
      await Promise.race([browser.close().catch(() => undefined), sleep(10_000)]);
      if (pid !== undefined && alive(pid)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone meanwhile
        }
      }
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
