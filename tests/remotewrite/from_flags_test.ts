import assert from "node:assert/strict";
import { parseFlags, vmagentFlags } from "../../lib/flags/mod.ts";
import {
  loadRemoteWriteRelabelRules,
  remoteWriteOptionsFromFlags,
} from "../../lib/remotewrite/from_flags.ts";
import { tempDir } from "../queue/_helpers.ts";

const parse = (args: string[]) => parseFlags(vmagentFlags(2), args, { env: {} });

Deno.test("remoteWriteOptionsFromFlags() picks per-URL items as vmagent's GetOptionalArg", () => {
  const flags = parse([
    "-remoteWrite.url=http://a/api/v1/write",
    "-remoteWrite.url=http://b/api/v1/write",
    "-remoteWrite.sendTimeout=10s",
    "-remoteWrite.queues=3,5",
    "-remoteWrite.disableOnDiskQueue=true,false",
    "-remoteWrite.maxDiskUsagePerURL=1GiB",
    "-remoteWrite.headers=X-A:1^^X-B:2",
    "-remoteWrite.label=dc=eu1",
    "-remoteWrite.flushInterval=2s",
    "-remoteWrite.tmpDataPath=/var/lib/q",
    "-remoteWrite.showURL",
  ]);
  const o = remoteWriteOptionsFromFlags(flags);
  assert.equal(o.urls.length, 2);
  assert.deepEqual(o.urls.map((u) => u.url), ["http://a/api/v1/write", "http://b/api/v1/write"]);
  assert.deepEqual(
    o.urls.map((u) => u.sendTimeout),
    [10_000, 10_000],
    "one value applies to every URL",
  );
  assert.deepEqual(o.urls.map((u) => u.queues), [3, 5]);
  assert.deepEqual(o.urls.map((u) => u.disableOnDiskQueue), [true, false]);
  assert.deepEqual(o.urls.map((u) => u.maxDiskUsage), [2 ** 30, 2 ** 30]);
  assert.deepEqual(o.urls.map((u) => u.retryMaxInterval), [60_000, 60_000], "default");
  assert.deepEqual(o.urls.map((u) => u.roundDigits), [100, 100]);
  assert.equal(o.urls[0].headers, "X-A:1^^X-B:2");
  assert.deepEqual(o.labels, ["dc=eu1"]);
  assert.equal(o.flushInterval, 2000);
  assert.equal(o.tmpDataPath, "/var/lib/q");
  assert.equal(o.showURL, true);
  assert.equal(o.maxRowsPerBlock, 10000);
  assert.equal(o.maxBlockSize, 8 * 1024 * 1024);
});

Deno.test("remoteWriteOptionsFromFlags() maps every per-URL flag to its own option", () => {
  const f = (flag: string, values: [string, string], field: string, want: [unknown, unknown]) => {
    const flags = parse([
      "-remoteWrite.url=http://a/api/v1/write,http://b/api/v1/write",
      `-remoteWrite.${flag}=${values.join(",")}`,
    ]);
    const urls = remoteWriteOptionsFromFlags(flags).urls as unknown as Record<string, unknown>[];
    assert.deepEqual(urls.map((u) => u[field]), want, flag);
  };
  f("queues", ["3", "5"], "queues", [3, 5]);
  f("maxDiskUsagePerURL", ["1GiB", "2MB"], "maxDiskUsage", [2 ** 30, 2_000_000]);
  f("disableOnDiskQueue", ["false", "true"], "disableOnDiskQueue", [false, true]);
  f("rateLimit", ["100", "200"], "rateLimit", [100, 200]);
  f("sendTimeout", ["10s", "1m30s"], "sendTimeout", [10_000, 90_000]);
  f("retryMinInterval", ["2s", "500ms"], "retryMinInterval", [2000, 500]);
  f("retryMaxInterval", ["30s", "2m"], "retryMaxInterval", [30_000, 120_000]);
  f("retryMaxTime", ["20s", "3m"], "retryMaxInterval", [20_000, 180_000]);
  f("basicAuth.username", ["ua", "ub"], "basicAuthUsername", ["ua", "ub"]);
  f("basicAuth.usernameFile", ["/ufa", "/ufb"], "basicAuthUsernameFile", ["/ufa", "/ufb"]);
  f("basicAuth.password", ["pa", "pb"], "basicAuthPassword", ["pa", "pb"]);
  f("basicAuth.passwordFile", ["/pfa", "/pfb"], "basicAuthPasswordFile", ["/pfa", "/pfb"]);
  f("bearerToken", ["ta", "tb"], "bearerToken", ["ta", "tb"]);
  f("bearerTokenFile", ["/tfa", "/tfb"], "bearerTokenFile", ["/tfa", "/tfb"]);
  f("tlsCAFile", ["/caa", "/cab"], "tlsCAFile", ["/caa", "/cab"]);
  f("tlsCertFile", ["/ca", "/cb"], "tlsCertFile", ["/ca", "/cb"]);
  f("tlsKeyFile", ["/ka", "/kb"], "tlsKeyFile", ["/ka", "/kb"]);
  f("tlsServerName", ["a.test", "b.test"], "tlsServerName", ["a.test", "b.test"]);
  f("tlsInsecureSkipVerify", ["true", "false"], "tlsInsecureSkipVerify", [true, false]);
  f("proxyURL", ["http://pa:1", "socks5://pb:2"], "proxyURL", ["http://pa:1", "socks5://pb:2"]);
  f("significantFigures", ["2", "3"], "significantFigures", [2, 3]);
  f("roundDigits", ["1", "2"], "roundDigits", [1, 2]);
});

Deno.test("remoteWriteOptionsFromFlags() maps the global flags", () => {
  const o = remoteWriteOptionsFromFlags(parse([
    "-remoteWrite.url=http://a/api/v1/write",
    "-remoteWrite.maxRowsPerBlock=500",
    "-remoteWrite.maxBlockSize=1MiB",
    "-remoteWrite.flushInterval=250ms",
    "-remoteWrite.dropSamplesOnOverload",
    "-remoteWrite.keepDanglingQueues",
    "-remoteWrite.label=a=1,b=2",
  ]));
  assert.deepEqual(
    [o.maxRowsPerBlock, o.maxBlockSize, o.flushInterval, o.dropSamplesOnOverload],
    [500, 2 ** 20, 250, true],
  );
  assert.equal(o.keepDanglingQueues, true);
  assert.deepEqual(o.labels, ["a=1", "b=2"]);
  assert.equal(o.showURL, false, "URLs are secrets by default");
  // A bare per-URL bool (vmagent v1.96 had it global) applies to every URL.
  const stateless = remoteWriteOptionsFromFlags(parse([
    "-remoteWrite.url=http://a/api/v1/write,http://b/api/v1/write",
    "-remoteWrite.disableOnDiskQueue",
  ]));
  assert.deepEqual(stateless.urls.map((u) => u.disableOnDiskQueue), [true, true]);
});

Deno.test("remoteWriteOptionsFromFlags() gives no URL (stdout mode) without -remoteWrite.url", () => {
  const o = remoteWriteOptionsFromFlags(parse([]), { flushInterval: 50 });
  assert.deepEqual(o.urls, []);
  assert.equal(o.flushInterval, 50, "extra options win");
});

Deno.test("loadRemoteWriteRelabelRules() loads the global and per-URL files", async () => {
  using dir = tempDir();
  Deno.writeTextFileSync(
    `${dir.path}/g.yml`,
    "- action: drop\n  source_labels: [env]\n  regex: dev\n",
  );
  Deno.writeTextFileSync(`${dir.path}/u.yml`, "- target_label: to\n  replacement: b\n");
  const flags = parse([
    "-remoteWrite.url=http://a/w,http://b/w",
    `-remoteWrite.relabelConfig=${dir.path}/g.yml`,
    `-remoteWrite.urlRelabelConfig=,${dir.path}/u.yml`,
  ]);
  const rules = await loadRemoteWriteRelabelRules(flags);
  assert.equal(rules.global.length, 1);
  assert.equal(rules.perURL[0], undefined);
  assert.equal(rules.perURL[1]?.length, 1);
  const o = remoteWriteOptionsFromFlags(flags, { rules });
  assert.equal(o.relabelRules?.length, 1);
  assert.deepEqual(o.urls.map((u) => u.relabelRules?.length), [0, 1]);
  const tooMany = parse([
    "-remoteWrite.url=http://a/w",
    `-remoteWrite.urlRelabelConfig=${dir.path}/u.yml,${dir.path}/u.yml`,
  ]);
  await assert.rejects(
    loadRemoteWriteRelabelRules(tooMany),
    /too many -remoteWrite.urlRelabelConfig args: 2/,
  );
  Deno.writeTextFileSync(`${dir.path}/bad.yml`, "- action: nope\n");
  const bad = parse([
    "-remoteWrite.url=http://a/w",
    `-remoteWrite.relabelConfig=${dir.path}/bad.yml`,
  ]);
  await assert.rejects(loadRemoteWriteRelabelRules(bad), /bad.yml/);
});

Deno.test("remoteWriteOptionsFromFlags() prefers -remoteWrite.retryMaxInterval to the deprecated -remoteWrite.retryMaxTime", () => {
  const flags = parse([
    "-remoteWrite.url=http://a/api/v1/write",
    "-remoteWrite.retryMaxTime=20s",
    "-remoteWrite.retryMaxInterval=40s",
  ]);
  assert.deepEqual(remoteWriteOptionsFromFlags(flags).urls.map((u) => u.retryMaxInterval), [
    40_000,
  ]);
});
