import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cgroupMemoryLimit, memoryLimitWarning, notebookMemoryBudgetMb } from "../../lib/course/memory-limit";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cgroup-test-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
}

test("cgroup v2: memory.max of the process's cgroup, the tightest of it and its parents; 'max' is none", () => {
  const root = path.join(dir, "v2");
  fs.mkdirSync(root);
  write("v2/memory.max", "max\n");
  write("v2/kubepods/memory.max", "4294967296\n");
  write("v2/kubepods/pod1/memory.max", "2147483648\n");
  write("v2/kubepods/pod1/kernel/memory.max", "max\n");
  const limit = cgroupMemoryLimit({ cgroupRoot: root, procCgroup: "0::/kubepods/pod1/kernel\n" });
  assert.deepEqual(limit, { bytes: 2 ** 31, file: path.join(root, "kubepods", "pod1", "memory.max") });
  assert.equal(cgroupMemoryLimit({ cgroupRoot: root, procCgroup: "0::/\n" }), null);
});

test("cgroup v1: memory.limit_in_bytes under the memory controller; the 'unlimited' huge number is none", () => {
  const root = path.join(dir, "v1");
  write("v1/memory/memory.limit_in_bytes", "9223372036854771712\n");
  write("v1/memory/binder/user/memory.limit_in_bytes", "1073741824\n");
  const proc = "9:name=systemd:/\n4:memory:/binder/user\n1:cpu,cpuacct:/\n0::/\n";
  assert.deepEqual(cgroupMemoryLimit({ cgroupRoot: root, procCgroup: proc }), { bytes: 2 ** 30, file: path.join(root, "memory", "binder", "user", "memory.limit_in_bytes") });
  assert.equal(cgroupMemoryLimit({ cgroupRoot: root, procCgroup: "4:memory:/other\n" }), null);
  assert.equal(cgroupMemoryLimit({ cgroupRoot: path.join(dir, "none"), procCgroup: "" }), null, "no cgroups: no limit");
});

test("the first cell warns only when the limit is below the notebook's budget", () => {
  const limit = { bytes: 1024 * 1024 * 1024, file: "/sys/fs/cgroup/memory.max" };
  const warning = memoryLimitWarning({ limit, budgetMb: 1792, fast: false });
  assert.match(warning ?? "", /^Memory: WARNING, this kernel may use at most 1,024 MB \(\/sys\/fs\/cgroup\/memory\.max\), less than the 1,792 MB/);
  assert.match(warning ?? "", /Set COURSE_FAST=1/);
  assert.equal(memoryLimitWarning({ limit: { bytes: 2 * 1024 ** 3, file: "x" }, budgetMb: 1792, fast: false }), null);
  assert.equal(memoryLimitWarning({ limit: null, budgetMb: 1792, fast: false }), null);
});

test("budgets come from notebooks/memory-budgets.json: per notebook, else the shared full-mode budget", () => {
  const file = path.join(dir, "budgets.json");
  fs.writeFileSync(file, JSON.stringify({ full_default_mb: 1792, full_mb: { "06-x.ipynb": 1700 }, fast_mb: { "06-x.ipynb": 1500, "01-y.ipynb": 900 } }));
  assert.equal(notebookMemoryBudgetMb("notebooks/06-x.ipynb", false, file), 1700);
  assert.equal(notebookMemoryBudgetMb("notebooks/01-y.ipynb", false, file), 1792);
  assert.equal(notebookMemoryBudgetMb(undefined, false, file), 1792);
  assert.equal(notebookMemoryBudgetMb("01-y.ipynb", true, file), 900);
  assert.equal(notebookMemoryBudgetMb(undefined, true, file), 1500, "fast mode, notebook unknown: the largest fast budget");
  const real = notebookMemoryBudgetMb(undefined, false);
  assert.ok(real !== null && real <= 1792, `the course's full-mode budget fits a 2 GB pod: ${real}`);
});
