import assert from "node:assert/strict";
import {
  roundToDecimalDigits,
  roundToSignificantFigures,
  valueAdjuster,
} from "../../lib/remotewrite/round_value.ts";
import { isStaleNaN, STALE_NAN } from "../../lib/util/series.ts";

Deno.test("roundToSignificantFigures() keeps n significant figures, rounding half up", () => {
  const f = (v: number, n: number, want: number) =>
    assert.equal(roundToSignificantFigures(v, n), want, `${v}/${n}`);
  f(123456, 2, 120000);
  f(125000, 2, 130000);
  f(-125000, 2, -130000);
  f(0.0012345, 3, 0.00123);
  f(0.0012355, 3, 0.00124);
  f(1.5, 1, 2);
  f(9.99, 2, 10);
  f(105, 2, 110);
  f(101, 2, 100);
  f(100, 2, 100);
  f(1234, 4, 1234);
  f(1234, 0, 1234);
  f(1234, 18, 1234);
  f(0, 3, 0);
  f(Infinity, 3, Infinity);
  f(1.23456789e300, 3, 1.23e300);
});

Deno.test("roundToDecimalDigits() rounds to digits after the point, half away from zero", () => {
  const f = (v: number, n: number, want: number) =>
    assert.equal(roundToDecimalDigits(v, n), want, `${v}/${n}`);
  f(1.236, 2, 1.24);
  f(126.78, -1, 130);
  f(2.5, 0, 3);
  f(-2.5, 0, -3);
  f(-1.234, 1, -1.2);
  f(1.5, 100, 1.5);
  f(1.5, -100, 1.5);
});

Deno.test("valueAdjuster() is undefined when both flags are off and keeps staleness markers", () => {
  assert.equal(valueAdjuster(0, 100), undefined);
  const adj = valueAdjuster(2, 100)!;
  assert.equal(adj(1234), 1200);
  assert.ok(isStaleNaN(adj(STALE_NAN)));
  const both = valueAdjuster(3, 0)!;
  assert.equal(both(1234.5), 1230);
  assert.ok(isStaleNaN(valueAdjuster(0, 1)!(STALE_NAN)));
});
