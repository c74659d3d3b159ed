import { test } from "node:test";
import * as assert from "node:assert/strict";
import { setTextSink } from "../../lib/kernel/mime";
import { captureDisplays, displayText as text, SentDisplay } from "../display/captured-displays";
import { formatCount, formatDuration, formatRate } from "../../lib/kernel/duration";
import { QUIET_BELOW_MS, TEXT_INTERVAL_MS, WorkProgress, WorkStep, WorkSteps, runSteps, runStepsWithProgress } from "../../lib/kernel/work-progress";
import { requestInterrupt } from "../../lib/kernel/interrupt";

test("durations, counts and rates read as people write them", () => {
  assert.equal(formatDuration(850.4), "850 ms");
  assert.equal(formatDuration(12_340), "12.3 s");
  assert.equal(formatDuration(119_600), "2 min 0 s");
  assert.equal(formatDuration(245_000), "4 min 5 s");
  assert.equal(formatDuration(7_380_000), "2 h 3 min");
  assert.equal(formatCount(5257), "5,257");
  assert.equal(formatCount(3_000_000), "3,000,000");
  assert.equal(formatCount(999), "999");
  assert.equal(formatRate(427.4), "427");
  assert.equal(formatRate(42.74), "42.7");
  assert.equal(formatRate(4.274), "4.3");
  assert.equal(formatRate(12_345.6), "12,346");
});

test("count, percent, rate and time left follow the clock", async () => {
  let now = 1_000_000;
  const { value: p, sent } = await captureDisplays(() => {
    const p = new WorkProgress({ title: "Decoding JPEGs", total: 1000, unit: "JPEGs", doneVerb: "Decoded", minIntervalMs: 200, clock: () => now });
    now += 2000;
    assert.equal(p.update(250), true);
    return p;
  });
  // 250 in 2 s: 125 per s; 750 left take 6 s.
  assert.equal(p.rate(), 125);
  assert.equal(p.remainingMs(), 6000);
  assert.equal(text(sent[1]), "Decoding JPEGs: █████░░░░░░░░░░░░░░░ 250/1,000 JPEGs (25%) · 125 per s · 6.0 s left");
  assert.match(text(sent[0]), /^Decoding JPEGs: ░{20} 0\/1,000 JPEGs \(0%\)$/);
  now += 6000;
  const { sent: end } = await captureDisplays(() => {
    p.update(1000);
    p.finish();
  });
  assert.equal(end.length, 2);
  assert.equal(p.statusLine(), "Decoded 1,000 JPEGs in 8.0 s (125 per s)");
  // The closing line does not move on with the clock.
  now += 5000;
  assert.equal(p.statusLine(), "Decoded 1,000 JPEGs in 8.0 s (125 per s)");
  assert.throws(() => p.update(1000), /update after the work finished/);
});

test("no rate or time left in the first second (the first items are slow and would mislead)", async () => {
  let now = 0;
  const { value: p } = await captureDisplays(() => new WorkProgress({ title: "Decoding JPEGs", total: 500, unit: "JPEGs", minIntervalMs: 0, clock: () => now }));
  now = 200;
  await captureDisplays(() => p.update(2));
  assert.equal(p.statusLine(), "Decoding JPEGs: ░░░░░░░░░░░░░░░░░░░░ 2/500 JPEGs (0%)");
  now = 1000;
  await captureDisplays(() => p.update(250));
  assert.equal(p.statusLine(), "Decoding JPEGs: ██████████░░░░░░░░░░ 250/500 JPEGs (50%) · 250 per s · 1.0 s left");
});

test("one display, updated in place, at most every minIntervalMs, ending with the closing line", async () => {
  let now = 0;
  const { value: p, sent } = await captureDisplays(() => {
    const p = new WorkProgress({ title: "Writing frames", total: 50, unit: "frames", minIntervalMs: 1000, clock: () => now });
    const due: boolean[] = [];
    for (let i = 1; i <= 50; i++) {
      now += 100; // 100 ms an item, 10 per s: a redraw every 10 items
      due.push(p.update(i));
    }
    p.finish();
    assert.equal(due.filter((d) => d).length, 5);
    return p;
  });
  assert.equal(sent.length, 1 + 5 + 1, sent.map(text).join("\n"));
  assert.ok(sent.every((s) => s.message.transient.display_id === p.displayId));
  assert.deepEqual(sent.map((s) => s.update), [false, true, true, true, true, true, true]);
  assert.match(text(sent[3]), / 30\/50 frames \(60%\) · 10.0 per s · 2.0 s left$/);
  assert.equal(text(sent[6]), "Writing frames: 50 frames in 5.0 s (10.0 per s)");
});

test("outside a kernel: one line per 30 s of work and the closing line; nothing for quick work", () => {
  let now = 0;
  const lines: string[] = [];
  setTextSink((line) => lines.push(line));
  try {
    const quick = new WorkProgress({ title: "Decoding JPEGs", total: 100, unit: "JPEGs", doneVerb: "Decoded", minIntervalMs: 0, clock: () => now });
    for (let i = 1; i <= 100; i++) {
      now += 5;
      quick.update(i);
    }
    quick.finish();
    assert.deepEqual(lines, [], "work done in 500 ms prints nothing");
    const second = new WorkProgress({ title: "Decoding JPEGs", total: 100, unit: "JPEGs", doneVerb: "Decoded", minIntervalMs: 0, clock: () => now });
    for (let i = 1; i <= 100; i++) {
      now += 12;
      second.update(i);
    }
    second.finish();
    assert.deepEqual(lines, ["Decoded 100 JPEGs in 1.2 s (83.3 per s)"]);
    lines.length = 0;
    const slow = new WorkProgress({ title: "Predicting", total: 100, minIntervalMs: 0, clock: () => now });
    for (let i = 1; i <= 100; i++) {
      now += 1000; // 100 s in all: lines at 30, 60 and 90 s
      slow.update(i);
    }
    slow.finish();
    assert.equal(lines.length, 4, lines.join("\n"));
    assert.match(lines[0], /^Predicting: .* 30\/100 items \(30%\) · 1.0 per s · 1 min 10 s left$/);
    assert.equal(lines[3], "Predicting: 100 items in 1 min 40 s (1.0 per s)");
    assert.equal(TEXT_INTERVAL_MS, 30_000);
    assert.equal(QUIET_BELOW_MS, 1000);
  } finally {
    setTextSink(null);
  }
});

test("bad options and counts are clear errors", () => {
  const make = (o: object) => () => new WorkProgress(o as never);
  assert.throws(make({ title: "", total: 3 }), /title must be a non-empty string/);
  assert.throws(make({ title: "x", total: -1 }), /total must be a whole number >= 0, got -1/);
  assert.throws(make({ title: "x", total: 2.5 }), /total must be a whole number >= 0, got 2.5/);
  assert.throws(make({ title: "x", total: Number.NaN }), /total must be a whole number/);
  assert.throws(make({ title: "x", total: 3, minIntervalMs: -5 }), /minIntervalMs must be a number >= 0/);
  assert.throws(make({ title: "x", total: 3, unit: "" }), /unit must be a non-empty string/);
  assert.throws(make({ title: "x", total: 3, clock: 5 }), /clock must be a function/);
  const lines: string[] = [];
  setTextSink((l) => lines.push(l));
  try {
    const p = new WorkProgress({ title: "x", total: 3 });
    assert.throws(() => p.update(4), /done must be a whole number from 0 to 3, got 4/);
    assert.throws(() => p.update(1.5), /done must be a whole number from 0 to 3/);
  } finally {
    setTextSink(null);
  }
});

function* countTo(n: number, log: string[]): WorkSteps<number> {
  try {
    let sum = 0;
    for (let i = 1; i <= n; i++) {
      sum += i;
      yield { done: i, total: n } as WorkStep;
    }
    return sum;
  } finally {
    log.push("cleaned up");
  }
}

function busyWait(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // work
  }
}

test("runStepsWithProgress gives runSteps' result, lets timers run and ends on the closing line", async () => {
  const log: string[] = [];
  assert.equal(runSteps(countTo(100, log)), 5050);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    const started = Date.now();
    const { value, sent } = await captureDisplays(() =>
      runStepsWithProgress((function* () {
        for (const s of countTo(30, log)) {
          busyWait(2);
          yield s;
        }
        return 465;
      })(), { title: "Summing", unit: "numbers", doneVerb: "Summed", minIntervalMs: 10 }));
    assert.equal(value, 465);
    assert.ok(ticks >= 2, `the event loop ran ${ticks} times during 60 ms of work`);
    const ids = new Set(sent.map((s) => s.message.transient.display_id));
    assert.equal(ids.size, 1);
    // At most one redraw per 10 ms of work (plus the first and the closing line), however slow the machine.
    const elapsed = Date.now() - started;
    assert.ok(sent.length >= 3 && sent.length <= Math.floor(elapsed / 10) + 2, `${sent.length} updates in ${elapsed} ms`);
    assert.match(text(sent[sent.length - 1]), /^Summed 30 numbers in [\d.]+ m?s \([\d,.]+ per s\)$/);
  } finally {
    clearInterval(timer);
  }
  assert.deepEqual(log, ["cleaned up", "cleaned up"]);
});

test("an error from the work leaves a stopped line and the same error; an interrupt stops the work", async () => {
  const log: string[] = [];
  function* failing(): WorkSteps<number> {
    yield* countTo(3, log);
    throw new Error("file 4 is broken");
  }
  const { sent } = await captureDisplays(async () => {
    await assert.rejects(runStepsWithProgress(failing(), { title: "Reading", minIntervalMs: 0 }), /^Error: file 4 is broken$/);
  });
  assert.match(text(sent[sent.length - 1]), /^Reading: stopped \(error\) after 3\/3 items, /);

  log.length = 0;
  let seen = 0;
  const { sent: sent2 } = await captureDisplays(async () => {
    const steps = (function* (): WorkSteps<number> {
      for (const s of countTo(1000, log)) {
        seen = s.done;
        if (s.done === 5) requestInterrupt();
        yield s;
      }
      return 0;
    })();
    await assert.rejects(runStepsWithProgress(steps, { title: "Counting", minIntervalMs: 0 }), /Counting: interrupted after 5 of 1,000 items/);
  });
  assert.equal(seen, 5, "the work went on after the interrupt");
  assert.deepEqual(log, ["cleaned up"], "the generator's finally block did not run");
  assert.match(text(sent2[sent2.length - 1]), /^Counting: stopped \(interrupted\) after 5\/1,000 items/);
});
