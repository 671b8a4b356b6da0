import assert from "node:assert/strict";
import {
  formatGoDuration,
  formatGoDurationNs,
  MAX_DURATION_MS,
  parseDuration,
} from "../../lib/util/duration.ts";

Deno.test("parseDuration() returns milliseconds for valid durations", () => {
  const f = (text: string, want: number) => assert.equal(parseDuration(text), want, text);
  f("1m30s", 90_000);
  f("500ms", 500);
  f("1d", 86_400_000);
  f("1w", 604_800_000);
  f("1y", 31_536_000_000);
  f("90s", 90_000);
  f("1w3d5h", (10 * 24 + 5) * 3_600_000);
  f("1h", 3_600_000);
  f("1.5h", 5_400_000);
  f("0.5s", 500);
  f("1.5ms", 1); // truncated toward zero
  // bare numbers are seconds
  f("90", 90_000);
  f("1.5", 1500);
  f(".5", 500);
  f("5.", 5000);
  f("2e1", 20_000);
  f("+3", 3000);
  f("0", 0);
  f("0s", 0);
  // units are case-insensitive except M
  f("5S", 5000);
  f("2H", 7_200_000);
  f("3MS", 3);
  f("3Ms", 3);
  // a negative part makes later parts negative too
  f("1h-5m", 55 * 60_000);
  f("-1h5m", -65 * 60_000);
  f("-30s", -30_000);
  // step-relative units are 0 without a query step
  f("5i", 0);
  f("$__interval", 0);
  f(`${MAX_DURATION_MS}ms`, MAX_DURATION_MS);
});

Deno.test("parseDuration() throws RangeError naming the text when it is invalid", () => {
  const f = (text: string, want: RegExp) =>
    assert.throws(() => parseDuration(text), (e) => {
      assert.ok(e instanceof RangeError);
      assert.match(e.message, want);
      return true;
    });
  f("", /^duration cannot be empty$/);
  f("foobar", /^cannot parse duration "foobar"$/);
  f("1h30", /^cannot parse duration "1h30"$/);
  f("5M", /^cannot parse duration "5M"$/);
  f("5Mi", /^cannot parse duration "5Mi"$/);
  f("5MB", /^cannot parse duration "5MB"$/);
  f("1.s", /^cannot parse duration "1.s"$/);
  f("s", /^cannot parse duration "s"$/);
  f("1us", /^cannot parse duration "1us"$/);
  f("1ns", /^cannot parse duration "1ns"$/);
  f("1 m", /^cannot parse duration "1 m"$/);
  f("-", /^cannot parse duration "-"$/);
  f("1e400", /^duration "1e400" must be in the range/);
  f(`${MAX_DURATION_MS + 1}ms`, /must be in the range/);
  f("1000000y", /^duration "1000000y" must be in the range/);
});

Deno.test("parseDuration() throws TypeError when given a non-string", () => {
  assert.throws(() => parseDuration(5 as unknown as string), TypeError);
});

Deno.test("formatGoDuration() prints like Go's time.Duration.String()", () => {
  const f = (ms: number, want: string) => assert.equal(formatGoDuration(ms), want, String(ms));
  f(0, "0s");
  f(60_000, "1m0s");
  f(15_000, "15s");
  f(3_600_000, "1h0m0s");
  f(90_000, "1m30s");
  f(500, "500ms");
  f(1500, "1.5s");
  f(1, "1ms");
  f(0.001, "1µs");
  f(0.0015, "1.5µs");
  f(0.000001, "1ns");
  f(1.5, "1.5ms");
  f(10_000, "10s");
  f(3_661_001, "1h1m1.001s");
  f(604_800_000, "168h0m0s");
  f(-90_000, "-1m30s");
  f(-1, "-1ms");
  f(86_400_000 * 365, "8760h0m0s");
  f(MAX_DURATION_MS, "2562047h47m16.854s");
});

Deno.test("formatGoDuration() throws RangeError when given a non-finite number", () => {
  assert.throws(() => formatGoDuration(NaN), RangeError);
  assert.throws(() => formatGoDuration(Infinity), RangeError);
});

Deno.test("formatGoDurationNs() prints nanoseconds like time.Duration.String", () => {
  const f = (ns: bigint, want: string) => assert.equal(formatGoDurationNs(ns), want);
  const S = 1_000_000_000n;
  f(0n, "0s");
  f(1n, "1ns");
  f(1500n, "1.5µs");
  f(1_000_000n, "1ms");
  f(S / 2n, "500ms");
  f(S, "1s");
  f(S + S / 2n, "1.5s");
  f(60n * S, "1m0s");
  f(90n * S, "1m30s");
  f(3600n * S, "1h0m0s");
  f(30n * S, "30s");
  f(100n * 3600n * S + 1n, "100h0m0.000000001s");
  f(-2n * S, "-2s");
});
