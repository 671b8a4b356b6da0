import assert from "node:assert/strict";
import {
  durationArrayFlag,
  durationFlag,
  floatFlag,
  passwordSource,
  vmagentFlags,
} from "../../lib/flags/mod.ts";

Deno.test("flag spec helpers keep the default and its Go text", () => {
  const f = (spec: { default: unknown; defaultText: string }, value: unknown, text: string) =>
    assert.deepEqual([spec.default, spec.defaultText], [value, text]);
  f(durationFlag("1m", "d"), 60000, "1m0s");
  f(durationFlag("0", "d"), 0, "0s");
  f(durationArrayFlag("20s", "d"), 20000, "20s");
  f(floatFlag(60, "f"), 60, "60");
  assert.throws(() => durationFlag("1 minute", "d"), /invalid duration|unknown unit/);
});

Deno.test("passwordSource() tells file, URL and literal passwords apart", () => {
  const f = (value: string, want: unknown) => assert.deepEqual(passwordSource(value), want, value);
  f("file:///etc/secret", { type: "file", path: "/etc/secret" });
  f("file://./rel/secret", { type: "file", path: "./rel/secret" });
  f("http://vault/key", { type: "url", url: "http://vault/key" });
  f("https://vault/key", { type: "url", url: "https://vault/key" });
  f("plain", { type: "literal", value: "plain" });
  f("", { type: "literal", value: "" });
});

Deno.test("vmagentFlags() rejects a CPU count that is not a positive integer", () => {
  for (const cpus of [0, -1, 1.5, NaN]) assert.throws(() => vmagentFlags(cpus), RangeError);
  assert.equal(vmagentFlags(16)["remoteWrite.queues"].default, 32);
});
