import assert from "node:assert/strict";
import { addJitter, Backoff } from "../../lib/util/backoff.ts";
import { ManualClock } from "../remotewrite/_fakes.ts";

Deno.test("addJitter() adds at most 10% and at most 10 seconds", () => {
  assert.equal(addJitter(1000, () => 0), 1000);
  assert.equal(addJitter(1000, () => 0.999), 1099.9);
  assert.equal(addJitter(600_000, () => 0.5), 605_000);
});

Deno.test("Backoff doubles from min to max and setDelay() clamps", async () => {
  const clock = new ManualClock();
  const bt = new Backoff(1000, 5000, () => 0);
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) {
    delays.push(bt.currentDelay);
    const p = bt.wait(clock);
    await clock.advance(bt.currentDelay === 5000 && delays.length > 3 ? 5000 : 10_000);
    assert.equal(await p, true);
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 5000, 5000]);
  bt.setDelay(50);
  assert.equal(bt.currentDelay, 1000);
  bt.setDelay(1e9);
  assert.equal(bt.currentDelay, 5000);
  assert.equal(new Backoff(9000, 2000).currentDelay, 2000, "min above max is lowered");
  const ac = new AbortController();
  ac.abort();
  assert.equal(await bt.wait(clock, ac.signal), false);
});

Deno.test("Backoff.next() returns the jittered delay and reset() goes back to the minimum", () => {
  const jitter = [0, 0.5, 0, 0.999, 0];
  const bt = new Backoff(1000, 30_000, () => jitter.shift()!);
  assert.equal(bt.next(), 1000);
  assert.equal(bt.next(), 2100);
  assert.equal(bt.next(), 4000);
  assert.equal(bt.currentDelay, 8000);
  bt.reset();
  assert.equal(bt.currentDelay, 1000);
  assert.equal(bt.next(), 1099.9);
  for (let i = 0; i < 10; i++) bt.next();
  assert.equal(bt.currentDelay, 30_000);
});
