import assert from "node:assert/strict";
import {
  type AgentFlags,
  describeFlags,
  FlagError,
  FlagExit,
  formatFlagMetrics,
  formatFlagsPage,
  parseAgentFlags,
  vmagentFlags,
} from "../../lib/flags/mod.ts";

const noEnv = () => undefined;
const parse = (argv: string[], env: (n: string) => string | undefined = noEnv): AgentFlags =>
  parseAgentFlags(argv, { env, cpus: 4, version: "vmagent-deno-v0.1.0" });

function exitOf(fn: () => unknown): FlagExit {
  try {
    fn();
  } catch (e) {
    if (e instanceof FlagExit) return e;
    throw e;
  }
  assert.fail("expected a FlagExit");
}

// name -> [kind, array, default value of get(), Go String() of the default]; vmagent HEAD values.
const WANT: Record<string, [string, boolean, unknown, string]> = {
  "httpListenAddr": ["string", true, [":8429"], ""],
  "http.shutdownDelay": ["duration", false, 0, "0s"],
  "http.idleConnTimeout": ["duration", false, 60000, "1m0s"],
  "http.maxGracefulShutdownDuration": ["duration", false, 7000, "7s"],
  "http.disableResponseCompression": ["bool", false, false, "false"],
  "http.pathPrefix": ["string", false, "", ""],
  "http.header.hsts": ["string", false, "", ""],
  "http.header.frameOptions": ["string", false, "", ""],
  "http.header.csp": ["string", false, "", ""],
  "http.header.disableServerHostname": ["bool", false, false, "false"],
  "http.disableCORS": ["bool", false, false, "false"],
  "maxInsertRequestSize": ["bytes", false, 33554432, "33554432"],
  "enableTCP6": ["bool", false, false, "false"],
  "tls": ["bool", true, [], ""],
  "tlsCertFile": ["string", true, [], ""],
  "tlsKeyFile": ["string", true, [], ""],
  "httpAuth.username": ["string", false, "", ""],
  "httpAuth.password": ["password", false, "", "secret"],
  "metricsAuthKey": ["password", false, "", "secret"],
  "reloadAuthKey": ["password", false, "", "secret"],
  "configAuthKey": ["password", false, "", "secret"],
  "flagsAuthKey": ["password", false, "", "secret"],
  "pprofAuthKey": ["password", false, "", "secret"],
  "loggerLevel": ["string", false, "INFO", "INFO"],
  "loggerFormat": ["string", false, "default", "default"],
  "loggerOutput": ["string", false, "stderr", "stderr"],
  "loggerErrorsPerSecondLimit": ["int", false, 0, "0"],
  "loggerWarnsPerSecondLimit": ["int", false, 0, "0"],
  "loggerTimezone": ["string", false, "UTC", "UTC"],
  "loggerDisableTimestamps": ["bool", false, false, "false"],
  "loggerJSONFields": ["string", false, "", ""],
  "envflag.enable": ["bool", false, false, "false"],
  "envflag.prefix": ["string", false, "", ""],
  "secret.flags": ["string", true, [], ""],
  "dryRun": ["bool", false, false, "false"],
  "version": ["bool", false, false, "false"],
  "memory.allowedPercent": ["float", false, 60, "60"],
  "memory.allowedBytes": ["bytes", false, 0, "0"],
  "promscrape.config": ["string", false, "", ""],
  "promscrape.config.strictParse": ["bool", false, true, "true"],
  "promscrape.config.dryRun": ["bool", false, false, "false"],
  "promscrape.configCheckInterval": ["duration", false, 0, "0s"],
  "promscrape.fileSDCheckInterval": ["duration", false, 60000, "1m0s"],
  "promscrape.kubernetesSDCheckInterval": ["duration", false, 30000, "30s"],
  "promscrape.kubernetes.apiServerTimeout": ["duration", false, 1800000, "30m0s"],
  "promscrape.kubernetes.attachNodeMetadataAll": ["bool", false, false, "false"],
  "promscrape.kubernetes.attachNamespaceMetadataAll": ["bool", false, false, "false"],
  "promscrape.maxScrapeSize": ["bytes", false, 16777216, "16777216"],
  "promscrape.disableCompression": ["bool", false, false, "false"],
  "promscrape.disableKeepAlive": ["bool", false, false, "false"],
  "promscrape.streamParse": ["bool", false, false, "false"],
  // vmagent-deno's own: scrape in the main thread unless asked.
  "promscrape.workers": ["int", false, 0, "0"],
  "promscrape.minResponseSizeForStreamParse": ["bytes", false, 1000000, "1000000"],
  "promscrape.noStaleMarkers": ["bool", false, false, "false"],
  "promscrape.seriesLimitPerTarget": ["int", false, 0, "0"],
  "promscrape.maxDroppedTargets": ["int", false, 10000, "10000"],
  "promscrape.suppressDuplicateScrapeTargetErrors": ["bool", false, false, "false"],
  "promscrape.suppressScrapeErrors": ["bool", false, false, "false"],
  "promscrape.suppressScrapeErrorsDelay": ["duration", false, 0, "0s"],
  "promscrape.cluster.membersCount": ["int", false, 1, "1"],
  "promscrape.cluster.memberNum": ["string", false, "0", "0"],
  "promscrape.cluster.replicationFactor": ["int", false, 1, "1"],
  "promscrape.cluster.name": ["string", false, "", ""],
  "promscrape.cluster.memberLabel": ["string", false, "", ""],
  "promscrape.cluster.memberURLTemplate": ["string", false, "", ""],
  "promscrape.cluster.shardByLabels": ["string", true, [], ""],
  "promscrape.dropOriginalLabels": ["bool", false, false, "false"],
  "remoteWrite.url": ["string", true, [], ""],
  "remoteWrite.tmpDataPath": [
    "string",
    false,
    "vmagent-remotewrite-data",
    "vmagent-remotewrite-data",
  ],
  "remoteWrite.maxDiskUsagePerURL": ["bytes", true, [], ""],
  "remoteWrite.disableOnDiskQueue": ["bool", true, [], ""],
  "remoteWrite.dropSamplesOnOverload": ["bool", false, false, "false"],
  "remoteWrite.queues": ["int", true, [], ""],
  "remoteWrite.maxBlockSize": ["bytes", false, 8388608, "8388608"],
  "remoteWrite.maxRowsPerBlock": ["int", false, 10000, "10000"],
  "remoteWrite.flushInterval": ["duration", false, 1000, "1s"],
  "remoteWrite.sendTimeout": ["duration", true, [], ""],
  "remoteWrite.rateLimit": ["int", true, [], ""],
  "remoteWrite.retryMinInterval": ["duration", true, [], ""],
  "remoteWrite.retryMaxInterval": ["duration", true, [], ""],
  "remoteWrite.retryMaxTime": ["duration", true, [], ""],
  "remoteWrite.label": ["string", true, [], ""],
  "remoteWrite.relabelConfig": ["string", false, "", ""],
  "remoteWrite.urlRelabelConfig": ["string", true, [], ""],
  "remoteWrite.headers": ["string", true, [], ""],
  "remoteWrite.basicAuth.username": ["string", true, [], ""],
  "remoteWrite.basicAuth.usernameFile": ["string", true, [], ""],
  "remoteWrite.basicAuth.password": ["string", true, [], ""],
  "remoteWrite.basicAuth.passwordFile": ["string", true, [], ""],
  "remoteWrite.bearerToken": ["string", true, [], ""],
  "remoteWrite.bearerTokenFile": ["string", true, [], ""],
  "remoteWrite.tlsInsecureSkipVerify": ["bool", true, [], ""],
  "remoteWrite.tlsCAFile": ["string", true, [], ""],
  "remoteWrite.tlsCertFile": ["string", true, [], ""],
  "remoteWrite.tlsKeyFile": ["string", true, [], ""],
  "remoteWrite.tlsServerName": ["string", true, [], ""],
  "remoteWrite.proxyURL": ["string", true, [], ""],
  "remoteWrite.showURL": ["bool", false, false, "false"],
  "remoteWrite.significantFigures": ["int", true, [], ""],
  "remoteWrite.roundDigits": ["int", true, [], ""],
  "remoteWrite.keepDanglingQueues": ["bool", false, false, "false"],
  "remoteWrite.forcePromProto": ["bool", true, [], ""],
};

Deno.test("vmagentFlags() defines exactly the expected vmagent flags with HEAD types and defaults", () => {
  const specs = vmagentFlags(4);
  assert.deepEqual(Object.keys(specs).sort(), Object.keys(WANT).sort());
  const flags = parse([]);
  for (const [name, [kind, array, value, text]] of Object.entries(WANT)) {
    const spec = specs[name as keyof typeof specs];
    assert.equal(spec.kind, kind, name);
    assert.equal(spec.array, array, name);
    assert.deepEqual(flags.get(name as keyof typeof specs), value, name);
    assert.equal(flags.text(name as keyof typeof specs), text, name);
    assert.ok(spec.description.length > 20, name);
  }
});

Deno.test("parseAgentFlags() gives per-URL defaults as vmagent HEAD", () => {
  const flags = parse(["-remoteWrite.url=http://a/api/v1/write,http://b/api/v1/write"]);
  const f = (i: number) => ({
    queues: flags.getArg("remoteWrite.queues", i),
    sendTimeout: flags.getArg("remoteWrite.sendTimeout", i),
    retryMin: flags.getArg("remoteWrite.retryMinInterval", i),
    retryMax: flags.getArg("remoteWrite.retryMaxInterval", i),
    rateLimit: flags.getArg("remoteWrite.rateLimit", i),
    roundDigits: flags.getArg("remoteWrite.roundDigits", i),
    significantFigures: flags.getArg("remoteWrite.significantFigures", i),
    maxDisk: flags.getArg("remoteWrite.maxDiskUsagePerURL", i),
    disableOnDisk: flags.getArg("remoteWrite.disableOnDiskQueue", i),
    bearerToken: flags.getArg("remoteWrite.bearerToken", i),
  });
  const want = {
    queues: 8,
    sendTimeout: 60000,
    retryMin: 1000,
    retryMax: 60000,
    rateLimit: 0,
    roundDigits: 100,
    significantFigures: 0,
    maxDisk: 0,
    disableOnDisk: false,
    bearerToken: "",
  };
  assert.deepEqual(f(0), want);
  assert.deepEqual(f(1), want);
  assert.equal(parseAgentFlags([], { env: noEnv, cpus: 3 }).getArg("remoteWrite.queues", 0), 6);
});

Deno.test("parseAgentFlags() applies a single per-URL value to every URL and the i-th to URL i", () => {
  const flags = parse([
    "-remoteWrite.url=http://a",
    "-remoteWrite.url=http://b",
    "-remoteWrite.url=http://c",
    "-remoteWrite.sendTimeout=10s",
    "-remoteWrite.maxDiskUsagePerURL=1GiB,,2GB",
    "-remoteWrite.disableOnDiskQueue=true,false",
    "-remoteWrite.basicAuth.username=u0,u1,u2",
  ]);
  const f = (i: number, want: unknown[]) =>
    assert.deepEqual(
      [
        flags.getArg("remoteWrite.sendTimeout", i),
        flags.getArg("remoteWrite.maxDiskUsagePerURL", i),
        flags.getArg("remoteWrite.disableOnDiskQueue", i),
        flags.getArg("remoteWrite.basicAuth.username", i),
      ],
      want,
      String(i),
    );
  f(0, [10000, 1024 ** 3, true, "u0"]);
  f(1, [10000, 0, false, "u1"]);
  f(2, [10000, 2e9, false, "u2"]); // two bools for three URLs: the third gets the default
});

Deno.test("parseAgentFlags() parses the server, logger and kubernetes flags of vmagent HEAD", () => {
  const f = (arg: string, name: Parameters<AgentFlags["get"]>[0], want: unknown, text: string) => {
    const flags = parse([arg]);
    assert.deepEqual(flags.get(name), want, arg);
    assert.equal(flags.text(name), text, arg);
    assert.ok(flags.isSet(name), arg);
  };
  f(
    "-promscrape.kubernetes.apiServerTimeout=5m",
    "promscrape.kubernetes.apiServerTimeout",
    300000,
    "5m0s",
  );
  f(
    "-promscrape.kubernetes.attachNodeMetadataAll",
    "promscrape.kubernetes.attachNodeMetadataAll",
    true,
    "true",
  );
  f(
    "-promscrape.kubernetes.attachNamespaceMetadataAll=true",
    "promscrape.kubernetes.attachNamespaceMetadataAll",
    true,
    "true",
  );
  f("-http.maxGracefulShutdownDuration=1m30s", "http.maxGracefulShutdownDuration", 90000, "1m30s");
  f("-http.disableResponseCompression", "http.disableResponseCompression", true, "true");
  f("-http.pathPrefix=/vm/agent", "http.pathPrefix", "/vm/agent", "/vm/agent");
  f("-http.header.hsts=max-age=1", "http.header.hsts", "max-age=1", "max-age=1");
  f("-http.header.frameOptions=DENY", "http.header.frameOptions", "DENY", "DENY");
  f(
    "-http.header.csp=default-src 'self'",
    "http.header.csp",
    "default-src 'self'",
    "default-src 'self'",
  );
  f("-http.header.disableServerHostname", "http.header.disableServerHostname", true, "true");
  f("-http.disableCORS", "http.disableCORS", true, "true");
  f("-maxInsertRequestSize=64MiB", "maxInsertRequestSize", 64 * 1024 * 1024, "64MiB");
  f("-maxInsertRequestSize=1000", "maxInsertRequestSize", 1000, "1000");
  f("-enableTCP6", "enableTCP6", true, "true");
  f("-loggerDisableTimestamps", "loggerDisableTimestamps", true, "true");
  f(
    "-loggerJSONFields=ts:timestamp,msg:message",
    "loggerJSONFields",
    "ts:timestamp,msg:message",
    "ts:timestamp,msg:message",
  );
  const flags = parse([
    "-remoteWrite.url=http://a,http://b",
    "-remoteWrite.basicAuth.usernameFile=/etc/u0,/etc/u1",
  ]);
  assert.equal(flags.getArg("remoteWrite.basicAuth.usernameFile", 0), "/etc/u0");
  assert.equal(flags.getArg("remoteWrite.basicAuth.usernameFile", 1), "/etc/u1");
  // a username file path is not a secret (vmagent shows it on /flags)
  const shown = describeFlags(flags).find((d) => d.name === "remoteWrite.basicAuth.usernameFile");
  assert.equal(shown?.value, "/etc/u0,/etc/u1");
  const bad = exitOf(() => parse(["-http.maxGracefulShutdownDuration=7"]));
  assert.ok(bad instanceof FlagError);
  assert.equal(bad.exitCode, 2);
});

Deno.test("parseAgentFlags() reads VM_-prefixed environment variables with -envflag.enable", () => {
  const env: Record<string, string> = {
    VM_remoteWrite_url: "http://a/api/v1/write,http://b/api/v1/write",
    VM_promscrape_cluster_memberNum: "vmagent-2",
    VM_promscrape_cluster_membersCount: "3",
    VM_remoteWrite_basicAuth_password: "p1,p2",
    VM_httpListenAddr: ":9000",
    VM_loggerLevel: "ERROR",
    remoteWrite_url: "http://unprefixed",
  };
  const flags = parse(
    ["-envflag.enable", "-envflag.prefix=VM_", "-loggerLevel=WARN"],
    (n) => env[n],
  );
  assert.deepEqual(flags.get("remoteWrite.url"), [
    "http://a/api/v1/write",
    "http://b/api/v1/write",
  ]);
  assert.equal(flags.get("promscrape.cluster.memberNum"), "vmagent-2");
  assert.equal(flags.get("promscrape.cluster.membersCount"), 3);
  assert.deepEqual(flags.get("remoteWrite.basicAuth.password"), ["p1", "p2"]);
  assert.deepEqual(flags.get("httpListenAddr"), [":9000"]);
  assert.equal(flags.get("loggerLevel"), "WARN");
  const e = exitOf(() =>
    parse(
      ["-envflag.enable"],
      (n) => (n === "promscrape_cluster_membersCount" ? "three" : undefined),
    )
  );
  assert.ok(e instanceof FlagError);
  assert.equal(e.envVar, "promscrape_cluster_membersCount");
  assert.match(e.message, /which is read from env var "promscrape_cluster_membersCount"/);
});

Deno.test("parseAgentFlags() expands %{VAR} in flags, e.g. the member number from the pod name", () => {
  const env: Record<string, string> = { POD_NAME: "vmagent-1", TOKEN: "t0k" };
  const flags = parse([
    "-promscrape.cluster.memberNum=%{POD_NAME}",
    "-remoteWrite.bearerToken=%{TOKEN}",
  ], (n) => env[n]);
  assert.equal(flags.get("promscrape.cluster.memberNum"), "vmagent-1");
  assert.deepEqual(flags.get("remoteWrite.bearerToken"), ["t0k"]);
});

Deno.test("parseAgentFlags() rejects an unknown flag with a suggestion and exit code 2", () => {
  const e = exitOf(() => parse(["-remoteWrite.ulr=http://a"]));
  assert.ok(e instanceof FlagError);
  assert.equal(e.exitCode, 2);
  assert.equal(
    e.message,
    "flag provided but not defined: -remoteWrite.ulr; did you mean -remoteWrite.url?",
  );
  assert.match(
    e.output,
    /Run "vmagent-deno -help" in order to see the description for all the available flags\n$/,
  );
  const e2 = exitOf(() => parse(["-promscrape.cluster.memberCount=2"]));
  assert.match(e2.message, /did you mean -promscrape\.cluster\.membersCount\?$/);
});

Deno.test("parseAgentFlags() prints the version for -version, after checking the other flags", () => {
  const e = exitOf(() => parse(["-version"]));
  assert.ok(!(e instanceof FlagError));
  assert.deepEqual([e.exitCode, e.output, e.stream], [0, "vmagent-deno-v0.1.0\n", "stdout"]);
  const fromEnv = exitOf(() =>
    parse(["-envflag.enable"], (n) => (n === "version" ? "true" : undefined))
  );
  assert.equal(fromEnv.output, "vmagent-deno-v0.1.0\n");
  const bad = exitOf(() => parse(["-version", "-nope"]));
  assert.equal(bad.exitCode, 2);
});

Deno.test("parseAgentFlags() help lists every flag with type, default and description", () => {
  const e = exitOf(() => parse(["-help"]));
  assert.equal(e.exitCode, 0);
  const out = e.output;
  assert.ok(out.startsWith("\nvmagent-deno "), out.slice(0, 80));
  const entries = out.split(/\n(?= {2}-)/).slice(1);
  assert.equal(entries.length, Object.keys(WANT).length);
  const names = entries.map((x) => x.slice(3).split(/[ \n]/)[0]);
  assert.deepEqual(names, [...names].sort((a, b) => (a < b ? -1 : 1)));
  const f = (name: string, head: string, tail: string) => {
    const entry = entries.find((x) => x.startsWith(`  -${name}\n`) || x.startsWith(`  -${name} `));
    assert.ok(entry !== undefined, name);
    assert.ok(entry.startsWith(head + "\n    \t"), entry);
    assert.ok(entry.trimEnd().endsWith(tail), `${name}: ${entry}`);
  };
  f("httpListenAddr", "  -httpListenAddr array", "do not split items.");
  f("promscrape.cluster.membersCount", "  -promscrape.cluster.membersCount int", "(default 1)");
  f("promscrape.cluster.memberNum", "  -promscrape.cluster.memberNum string", `(default "0")`);
  f("promscrape.config.strictParse", "  -promscrape.config.strictParse", "(default true)");
  f(
    "promscrape.fileSDCheckInterval",
    "  -promscrape.fileSDCheckInterval duration",
    "(default 1m0s)",
  );
  f("promscrape.maxScrapeSize", "  -promscrape.maxScrapeSize size", "(default 16777216)");
  f("memory.allowedBytes", "  -memory.allowedBytes size", "(default 0)");
  f("memory.allowedPercent", "  -memory.allowedPercent float", "(default 60)");
  f(
    "remoteWrite.tmpDataPath",
    "  -remoteWrite.tmpDataPath string",
    `(default "vmagent-remotewrite-data")`,
  );
  f("remoteWrite.queues", "  -remoteWrite.queues array", "An empty item takes the default value.");
  assert.match(out, /-remoteWrite\.queues array\n.*\(default 8 = 2\*availableCPUs\)\n/);
  assert.match(out, /-remoteWrite\.sendTimeout array\n.*\(default 1m0s\)\n/);
  f("httpAuth.password", "  -httpAuth.password value", "-httpAuth.password=https://host/path");
  f("dryRun", "  -dryRun", "strictParse=false");
  // zero defaults are not printed
  assert.doesNotMatch(out, /-dryRun\n[^-]*\(default false\)/);
  assert.doesNotMatch(out, /-http\.shutdownDelay duration\n[^\n]*\(default/);
});

Deno.test("describeFlags() masks secrets as vmagent does", () => {
  const flags = parse([
    "-remoteWrite.url=http://user:pw@a/api/v1/write",
    "-remoteWrite.proxyURL=http://u:p@proxy",
    "-remoteWrite.headers=Authorization:Bearer x",
    "-remoteWrite.basicAuth.password=pw",
    "-remoteWrite.basicAuth.username=user",
    "-remoteWrite.bearerToken=tok",
    "-remoteWrite.tlsKeyFile=/k.pem",
    "-httpAuth.password=hp",
    "-metricsAuthKey=mk",
    "-remoteWrite.label=env=prod",
    "-promscrape.cluster.name=c1",
    "-secret.flags=promscrape.cluster.NAME",
  ]);
  const byName = new Map(describeFlags(flags).map((d) => [d.name, d]));
  const f = (name: string, value: string, isSet = true) =>
    assert.deepEqual(byName.get(name), { name, value, isSet }, name);
  f("remoteWrite.url", "secret");
  f("remoteWrite.proxyURL", "secret");
  f("remoteWrite.headers", "secret");
  f("remoteWrite.basicAuth.password", "secret");
  f("remoteWrite.bearerToken", "secret");
  f("remoteWrite.tlsKeyFile", "secret");
  f("httpAuth.password", "secret");
  f("metricsAuthKey", "secret");
  f("promscrape.cluster.name", "secret");
  f("secret.flags", "secret");
  f("remoteWrite.basicAuth.username", "user");
  f("remoteWrite.label", "env=prod");
  f("pprofAuthKey", "secret", false);
  f("remoteWrite.keepDanglingQueues", "false", false);
  assert.equal(byName.size, Object.keys(WANT).length);
  // -remoteWrite.showURL reveals the URL
  const shown = describeFlags(parse(["-remoteWrite.url=http://a", "-remoteWrite.showURL"]));
  assert.equal(shown.find((d) => d.name === "remoteWrite.url")?.value, "http://a");
});

Deno.test('formatFlagsPage() lists set flags as -name="value" lines', () => {
  const flags = parse([
    "-loggerLevel=WARN",
    "-remoteWrite.url=http://a",
    '-remoteWrite.label=a="b",c=d',
    "-promscrape.config.strictParse=false",
    "-remoteWrite.flushInterval=1500ms",
    "-promscrape.maxScrapeSize=32mib",
  ], noEnv);
  assert.equal(
    formatFlagsPage(flags),
    [
      `-loggerLevel="WARN"`,
      `-promscrape.config.strictParse="false"`,
      `-promscrape.maxScrapeSize="32MiB"`,
      `-remoteWrite.flushInterval="1.5s"`,
      `-remoteWrite.label="\\"a=\\\\\\"b\\\\\\"\\",c=d"`,
      `-remoteWrite.url="secret"`,
      "",
    ].join("\n"),
  );
  assert.equal(formatFlagsPage(parse([])), "");
});

Deno.test("formatFlagMetrics() writes one flag series per flag with is_set", () => {
  const out = formatFlagMetrics(parse(["-remoteWrite.tmpDataPath=/data", "-httpAuth.password=x"]));
  const lines = out.trimEnd().split("\n");
  assert.equal(lines.length, Object.keys(WANT).length);
  assert.ok(lines.includes(`flag{name="remoteWrite.tmpDataPath", value="/data", is_set="true"} 1`));
  assert.ok(lines.includes(`flag{name="httpAuth.password", value="secret", is_set="true"} 1`));
  assert.ok(
    lines.includes(`flag{name="promscrape.cluster.membersCount", value="1", is_set="false"} 1`),
  );
  assert.ok(lines.includes(`flag{name="http.idleConnTimeout", value="1m0s", is_set="false"} 1`));
  assert.ok(lines.includes(`flag{name="httpListenAddr", value="", is_set="false"} 1`));
});

Deno.test("AgentFlags values are typed per flag", () => {
  const flags = parse(["-promscrape.cluster.membersCount=2"]);
  const n: number = flags.get("promscrape.cluster.membersCount");
  const urls: readonly string[] = flags.get("remoteWrite.url");
  const strict: boolean = flags.get("promscrape.config.strictParse");
  const queue: number = flags.getArg("remoteWrite.queues", 0);
  const skip: boolean = flags.getArg("remoteWrite.tlsInsecureSkipVerify", 0);
  assert.deepEqual([n, urls, strict, queue, skip], [2, [], true, 8, false]);
  // @ts-expect-error: not a flag
  assert.throws(() => flags.isSet("noSuchFlag"), RangeError);
});
