import assert from "node:assert/strict";
import { parseRetryAfter } from "../../lib/remotewrite/retry_after.ts";

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
