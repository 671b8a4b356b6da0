import assert from "node:assert/strict";
import { nsToMs, parseGoDuration } from "../../lib/flags/go_duration.ts";

const S = 1_000_000_000n;

Deno.test("parseGoDuration() parses like time.ParseDuration", () => {
  const f = (s: string, want: bigint) => assert.equal(parseGoDuration(s), want, s);
  f("0", 0n);
  f("-0", 0n);
  f("0s", 0n);
  f("1s", S);
  f("1m30s", 90n * S);
  f("500ms", S / 2n);
  f("1h", 3600n * S);
  f("1.5h", 5400n * S);
  f(".5s", S / 2n);
  f("1.s", S);
  f("-2s", -2n * S);
  f("+3m", 180n * S);
  f("1h2m3s4ms5us6ns", 3723n * S + 4_005_006n);
  f("3µs", 3000n);
  f("3μs", 3000n);
  f("10ns", 10n);
  f("2562047h47m16.854775807s", (1n << 63n) - 1n);
});

Deno.test("parseGoDuration() rejects bad text with Go's messages", () => {
  const f = (s: string, message: string) => assert.throws(() => parseGoDuration(s), { message }, s);
  f("", `time: invalid duration ""`);
  f("1", `time: missing unit in duration "1"`);
  f("1d", `time: unknown unit "d" in duration "1d"`);
  f("1e3s", `time: unknown unit "e" in duration "1e3s"`);
  f(".s", `time: invalid duration ".s"`);
  f("s", `time: invalid duration "s"`);
  f("1s2", `time: missing unit in duration "1s2"`);
  f(" 1s", `time: invalid duration " 1s"`);
  f("3000000h", `time: invalid duration "3000000h"`);
});

Deno.test("nsToMs() converts nanoseconds to milliseconds", () => {
  assert.equal(nsToMs(60n * S), 60000);
  assert.equal(nsToMs(500_000n), 0.5);
  assert.equal(nsToMs(-1_500_000n), -1.5);
});
