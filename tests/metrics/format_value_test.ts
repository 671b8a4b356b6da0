import { equal } from "node:assert/strict";
import { formatGoFloat, formatValue } from "../../lib/metrics/format_value.ts";

Deno.test("formatGoFloat() writes Go's %g for every magnitude", () => {
  const f = (v: number, want: string) => equal(formatGoFloat(v), want, `formatGoFloat(${v})`);
  f(0, "0");
  f(-0, "-0");
  f(1, "1");
  f(0.25, "0.25");
  f(-1.5, "-1.5");
  f(0.0001, "0.0001");
  f(0.00001, "1e-05");
  f(0.000012345, "1.2345e-05");
  f(123456, "123456");
  f(999999.5, "999999.5");
  f(1e6, "1e+06");
  f(1234567.5, "1.2345675e+06");
  f(1e21, "1e+21");
  f(1.5e-300, "1.5e-300");
  f(1e100, "1e+100");
  f(Infinity, "+Inf");
  f(-Infinity, "-Inf");
  f(NaN, "NaN");
});

Deno.test("formatValue() writes integers in full and fractions as %g", () => {
  const f = (v: number, want: string) => equal(formatValue(v), want, `formatValue(${v})`);
  f(0, "0");
  f(-0, "0");
  f(42, "42");
  f(-7, "-7");
  f(1e6, "1000000");
  f(2 ** 53 + 2, "9007199254740994");
  f(1e18, "1000000000000000000");
  f(1e19, "1e+19");
  f(0.5, "0.5");
  f(1234567.25, "1.23456725e+06");
  f(Infinity, "+Inf");
  f(NaN, "NaN");
});
