import assert from "node:assert/strict";
import { addJitter, Backoff, parseRetryAfter } from "../../lib/remotewrite/backoff.ts";
import { ManualClock } from "./_fakes.ts";

Deno.test("parseRetryAfter() reads seconds and HTTP dates, 0 for anything else", () => {
  const now = Date.parse("Wed, 21 Oct 2015 07:27:00 GMT");
  const f = (v: string | null, want: number) =>
    assert.equal(parseRetryAfter(v, now), want, String(v));
  f("120", 120_000);
  f(" 3 ", 3000);
  f("0", 0);
  f("-5", 0);
  f("1.5", 0);
  f("Wed, 21 Oct 2015 07:28:00 GMT", 60_000);
  f("Wed, 21 Oct 2015 07:28:00.5 GMT", 0);
  f("Wed, 21 Oct 2015 07:26:00 GMT", 0);
  f("2015-10-21T07:28:00Z", 0);
  f("", 0);
  f(null, 0);
});

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
