import { deepEqual, equal, throws } from "node:assert/strict";
import { extraLabels, pushgatewayLabels, queryTimestamp } from "../../lib/server/extra_labels.ts";

Deno.test("pushgatewayLabels() reads name/value pairs after /metrics/job", () => {
  const f = (path: string, want: string[]) =>
    deepEqual(pushgatewayLabels(path).map((l) => `${l.name}=${l.value}`), want);
  f("/api/v1/import/prometheus", []);
  f("/api/v1/import/prometheus/metrics/job/backup", ["job=backup"]);
  f("/api/v1/import/prometheus/metrics/job/backup/instance/db1/empty/", [
    "job=backup",
    "instance=db1",
  ]);
  // base64url values, padded or not, may hold slashes once decoded.
  f("/x/metrics/job@base64/L3Zhci90bXA=/path@base64/L3Zhci90bXA", [
    "job=/var/tmp",
    "path=/var/tmp",
  ]);
  f("/x/metrics/jobs/a", []);
});

Deno.test("pushgatewayLabels() throws on a name without value or bad base64", () => {
  throws(() => pushgatewayLabels("/metrics/job/a/b"), /missing value for label "b"/);
  const f = (path: string, want: string) =>
    throws(() => pushgatewayLabels(path), (e: unknown) => {
      equal((e as Error).message, want);
      return true;
    });
  f(
    "/metrics/job@base64/%%%",
    'cannot base64-decode value="%%%" for label="job": illegal base64 data at input byte 0',
  );
  // Go's RawURLEncoding: no "+" or "/" alphabet, no padding inside, no lone last character.
  f(
    "/metrics/job@base64/YWJj+w",
    'cannot base64-decode value="YWJj+w" for label="job": illegal base64 data at input byte 4',
  );
  f(
    "/metrics/job@base64/YW=Jj",
    'cannot base64-decode value="YW=Jj" for label="job": illegal base64 data at input byte 2',
  );
  f(
    "/metrics/job/x/a@base64/YWJjZ",
    'cannot base64-decode value="YWJjZ" for label="a": illegal base64 data at input byte 4',
  );
  f(
    "/metrics/job/x/a@base64/YWJjZ\n",
    'cannot base64-decode value="YWJjZ\\n" for label="a": illegal base64 data at input byte 5',
  );
});

Deno.test("pushgatewayLabels() decodes base64url values as Go does", () => {
  const f = (value: string, want: string) =>
    deepEqual(pushgatewayLabels(`/metrics/job@base64/${value}`), [{ name: "job", value: want }]);
  f("YQ", "a");
  f("YWI", "ab");
  f("YWJj", "abc");
  f("YWJjZA==", "abcd");
  f("YW\nJj\r", "abc");
  f("_-8", "\uFFFD\uFFFD"); // bytes ff ef: not UTF-8, each byte becomes U+FFFD
  f("w7w", "\u00fc");
  // A value that decodes to nothing is left out, as any empty value.
  deepEqual(pushgatewayLabels("/metrics/job@base64/=/a/1"), [{ name: "a", value: "1" }]);
});

Deno.test("extraLabels() appends extra_label args after path labels", () => {
  const f = (url: string, want: string[]) => {
    const u = new URL(url);
    deepEqual(
      extraLabels(u, decodeURIComponent(u.pathname)).map((l) => `${l.name}=${l.value}`),
      want,
    );
  };
  f("http://x/api/v1/write", []);
  f("http://x/api/v1/write?extra_label=a=1&extra_label=b=x=y&extra_label=c=", [
    "a=1",
    "b=x=y",
    "c=",
  ]);
  f("http://x/api/v1/import/prometheus/metrics/job/j?extra_label=a=1", ["job=j", "a=1"]);
  throws(
    () => extraLabels(new URL("http://x/?extra_label=oops"), "/"),
    /^Error: `extra_label` query arg must have the format `name=value`; got "oops"$/,
  );
  throws(
    () => extraLabels(new URL("http://x/"), "/metrics/job/a/b"),
    /cannot parse pushgateway-style labels from "\/metrics\/job\/a\/b": missing value/,
  );
});

Deno.test("queryTimestamp() reads milliseconds, 0 when absent", () => {
  const f = (query: string, want: number) =>
    equal(queryTimestamp(new URL(`http://x/${query}`)), want);
  f("", 0);
  f("?timestamp=", 0);
  f("?timestamp=1700000000000", 1700000000000);
  f("?timestamp=%2B5", 5);
  f("?timestamp=-5", -5);
  f("?timestamp=007", 7);
  f("?timestamp=1&timestamp=x", 1);
  f("?timestamp=9223372036854775807", 9223372036854775807);
  f("?timestamp=-9223372036854775808", -9223372036854775808);
});

Deno.test("queryTimestamp() rejects what Go's strconv.ParseInt rejects, in its words", () => {
  const f = (arg: string, quoted: string, why: string) =>
    throws(
      () => queryTimestamp(new URL(`http://x/?timestamp=${encodeURIComponent(arg)}`)),
      (e: unknown) => {
        equal(
          (e as Error).message,
          `cannot parse \`timestamp=${arg}\` query arg: strconv.ParseInt: parsing ${quoted}: ${why}`,
        );
        return true;
      },
    );
  f("1.5", '"1.5"', "invalid syntax");
  f("now", '"now"', "invalid syntax");
  f("+", '"+"', "invalid syntax");
  f("-", '"-"', "invalid syntax");
  f("1_000", '"1_000"', "invalid syntax");
  f("0x10", '"0x10"', "invalid syntax");
  f(" 1", '" 1"', "invalid syntax");
  f("1e3", '"1e3"', "invalid syntax");
  f("+-1", '"+-1"', "invalid syntax");
  f('1"', '"1\\""', "invalid syntax");
  f("9223372036854775808", '"9223372036854775808"', "value out of range");
  f("-9223372036854775809", '"-9223372036854775809"', "value out of range");
  f("18446744073709551616", '"18446744073709551616"', "value out of range");
  // Go stops at the first digit that overflows 64 bits, before seeing the bad character.
  f("99999999999999999999x", '"99999999999999999999x"', "value out of range");
  f("1x99999999999999999999", '"1x99999999999999999999"', "invalid syntax");
});
