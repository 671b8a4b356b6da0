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
  throws(
    () => pushgatewayLabels("/metrics/job@base64/%%%"),
    /cannot base64-decode value="%%%" for label="job"/,
  );
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
  equal(queryTimestamp(new URL("http://x/")), 0);
  equal(queryTimestamp(new URL("http://x/?timestamp=1700000000000")), 1700000000000);
  equal(queryTimestamp(new URL("http://x/?timestamp=")), 0);
  throws(
    () => queryTimestamp(new URL("http://x/?timestamp=1.5")),
    /cannot parse `timestamp=1.5` query arg/,
  );
});
