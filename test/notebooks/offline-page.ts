/**
 * Opens a local HTML page in headless Chromium with the network cut off and reports what the page
 * asked for and what it drew. Chromium is driven over the DevTools protocol on a pipe
 * (--remote-debugging-pipe: JSON messages separated by NUL bytes on file descriptors 3 and 4), so no
 * npm browser driver is needed.
 *
 * Every request whose URL is not file:, data:, blob: or about: is refused (Fetch.failRequest) and
 * recorded; the page also runs under offline emulation, and the browser gets a proxy that does not
 * exist, so nothing leaves the machine even if interception missed a request.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawn } from "child_process";

export const chromiumPath = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));

export interface PageReport {
  /** URLs the page tried to fetch from outside the machine (all refused). */
  outside: string[];
  /** file: URLs the page asked for that could not be read (a broken relative link). */
  missingFiles: string[];
  /** Every file: URL the page requested (the page itself included). */
  files: string[];
  /** Uncaught exceptions and console errors on the page. */
  pageErrors: string[];
  /** Whatever the probe expression returned. */
  probe: unknown;
}

type Message = { id?: number; method?: string; params?: any; result?: any; error?: { message: string }; sessionId?: string };

const LOCAL = /^(file|data|blob|about):/i;

/**
 * Loads `file` and, once the load event fired and `ready` (a page expression) is true or
 * `settleMs` passed, evaluates `probe` in the page and returns its value with the request log.
 */
export async function openOffline(file: string, probe: string, options: { ready?: string; settleMs?: number } = {}): Promise<PageReport> {
  if (!chromiumPath) throw new Error("chromium is not installed");
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "chr-offline-"));
  const child = spawn(
    chromiumPath,
    [
      "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-quic", "--proxy-server=http://127.0.0.1:9",
      "--proxy-bypass-list=<-loopback>", `--user-data-dir=${profile}`, "--remote-debugging-pipe", "about:blank",
    ],
    // Its own process group, so that its helper processes can be ended with it.
    { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"], detached: true },
  );
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += String(d)));
  const toBrowser = child.stdio[3] as NodeJS.WritableStream;
  const fromBrowser = child.stdio[4] as NodeJS.ReadableStream;

  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void; method: string }>();
  const listeners: ((m: Message) => void)[] = [];
  let buffer = "";
  fromBrowser.on("data", (chunk) => {
    buffer += String(chunk);
    let end: number;
    while ((end = buffer.indexOf("\0")) >= 0) {
      const msg = JSON.parse(buffer.slice(0, end)) as Message;
      buffer = buffer.slice(end + 1);
      if (msg.id !== undefined && waiting.has(msg.id)) {
        const w = waiting.get(msg.id)!;
        waiting.delete(msg.id);
        if (msg.error) w.reject(new Error(`${w.method}: ${msg.error.message}`));
        else w.resolve(msg.result);
      } else if (msg.method) {
        for (const l of listeners) l(msg);
      }
    }
  });
  const exited = new Promise<never>((_, reject) =>
    child.on("exit", (code) => reject(new Error(`chromium exited (${code}): ${stderr.slice(-800)}`))),
  );
  exited.catch(() => undefined);
  const send = (method: string, params: object = {}, sessionId?: string): Promise<any> => {
    const id = nextId++;
    const reply = new Promise((resolve, reject) => waiting.set(id, { resolve, reject, method }));
    toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + "\0");
    return Promise.race([reply, exited]);
  };

  const outside: string[] = [];
  const files = new Set<string>();
  const missingFiles: string[] = [];
  const pageErrors: string[] = [];
  const fileRequests = new Map<string, string>();
  try {
    const { targetId } = await send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
    const s = (method: string, params: object = {}) => send(method, params, sessionId);
    let loaded!: () => void;
    const loadFired = new Promise<void>((r) => (loaded = r));
    listeners.push((m) => {
      if (m.sessionId !== sessionId) return;
      const p = m.params;
      if (process.env.CDP_DEBUG) console.error(Date.now() % 100000, m.method, JSON.stringify(p).slice(0, 160));
      switch (m.method) {
        case "Fetch.requestPaused":
          if (LOCAL.test(p.request.url)) void s("Fetch.continueRequest", { requestId: p.requestId }).catch(() => undefined);
          else {
            outside.push(p.request.url);
            void s("Fetch.failRequest", { requestId: p.requestId, errorReason: "InternetDisconnected" }).catch(() => undefined);
          }
          break;
        case "Network.requestWillBeSent":
          if (/^file:/i.test(p.request.url)) {
            files.add(p.request.url);
            fileRequests.set(p.requestId, p.request.url);
          } else if (!LOCAL.test(p.request.url) && !outside.includes(p.request.url)) outside.push(p.request.url);
          break;
        case "Network.loadingFailed":
          if (fileRequests.has(p.requestId)) missingFiles.push(`${fileRequests.get(p.requestId)} (${p.errorText})`);
          break;
        case "Runtime.exceptionThrown":
          pageErrors.push(p.exceptionDetails?.exception?.description ?? p.exceptionDetails?.text ?? "exception");
          break;
        case "Runtime.consoleAPICalled":
          if (p.type === "error") pageErrors.push(p.args.map((a: any) => a.value ?? a.description ?? "").join(" "));
          break;
        case "Page.loadEventFired":
          loaded();
          break;
      }
    });
    await s("Network.enable");
    await s("Network.emulateNetworkConditions", { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await s("Fetch.enable", { patterns: [{ urlPattern: "*" }] });
    await s("Runtime.enable");
    await s("Page.enable");
    await s("Page.navigate", { url: "file://" + path.resolve(file) });
    let timer: NodeJS.Timeout | undefined;
    const tooLong = new Promise((_, rej) => (timer = setTimeout(() => rej(new Error("the page did not finish loading in 60 s")), 60_000)));
    await Promise.race([loadFired, tooLong]).finally(() => clearTimeout(timer));
    const deadline = Date.now() + (options.settleMs ?? 5000);
    while (options.ready && Date.now() < deadline) {
      const r = await s("Runtime.evaluate", { expression: options.ready, returnByValue: true });
      if (r.result?.value === true) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!options.ready) await new Promise((r) => setTimeout(r, options.settleMs ?? 500));
    const r = await s("Runtime.evaluate", { expression: probe, returnByValue: true });
    if (r.exceptionDetails) throw new Error(`probe failed: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    await send("Browser.close").catch(() => undefined);
    return { outside, missingFiles, files: [...files], pageErrors, probe: r.result.value };
  } finally {
    if (child.exitCode === null) {
      const gone = new Promise((r) => child.once("exit", r));
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        child.kill();
      }
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000).unref())]);
    }
    for (const stream of [toBrowser, fromBrowser, child.stderr!]) (stream as unknown as { destroy(): void }).destroy();
    fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}
