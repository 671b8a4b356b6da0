import assert from "node:assert/strict";
import {
  clusterFlags,
  loggerOptions,
  routerFlagOptions,
  scrapePoolOptions,
  serveOptions,
  withAttachMetadataFlags,
} from "../../app/options.ts";
import { validateClusterOptions } from "../../lib/cluster/mod.ts";
import type { KubernetesSDConfig } from "../../lib/config/types.ts";
import { type AgentFlags, parseAgentFlags } from "../../lib/flags/mod.ts";
import type { Sink } from "../../lib/util/series.ts";
import { configOf } from "../targets/_config.ts";

const parse = (argv: string[]): AgentFlags =>
  parseAgentFlags(argv, { env: () => undefined, cpus: 2 });

Deno.test("loggerOptions() passes -loggerDisableTimestamps and -loggerJSONFields", () => {
  const f = (argv: string[], want: { disableTimestamps: boolean; jsonFields: string }) => {
    const o = loggerOptions(parse(argv));
    assert.deepEqual({ disableTimestamps: o.disableTimestamps, jsonFields: o.jsonFields }, want);
  };
  f([], { disableTimestamps: false, jsonFields: "" });
  f(["-loggerDisableTimestamps", "-loggerJSONFields=ts:time,msg:message"], {
    disableTimestamps: true,
    jsonFields: "ts:time,msg:message",
  });
});

Deno.test("serveOptions() maps the listener flags, skipping empty addresses", () => {
  const f = (argv: string[], want: ReturnType<typeof serveOptions>) =>
    assert.deepEqual(serveOptions(parse(argv)), want);
  f([], {
    listenAddrs: [":8429"],
    tls: [],
    tlsCertFile: [],
    tlsKeyFile: [],
    enableTCP6: false,
    shutdownDelayMs: 0,
    maxGracefulShutdownMs: 7000,
    disableResponseCompression: false,
  });
  f([
    "-httpListenAddr=,:9000",
    "-enableTCP6",
    "-http.shutdownDelay=2s",
    "-http.maxGracefulShutdownDuration=30s",
    "-http.disableResponseCompression",
    "-tls=,true",
    "-tlsCertFile=,/c.pem",
    "-tlsKeyFile=,/k.pem",
  ], {
    listenAddrs: ["", ":9000"],
    tls: [false, true],
    tlsCertFile: ["", "/c.pem"],
    tlsKeyFile: ["", "/k.pem"],
    enableTCP6: true,
    shutdownDelayMs: 2000,
    maxGracefulShutdownMs: 30000,
    disableResponseCompression: true,
  });
  f(["-httpListenAddr="], { ...serveOptions(parse([])), listenAddrs: [""] });
});

Deno.test("routerFlagOptions() maps -http.pathPrefix, -http.header.* and -http.disableCORS", () => {
  const f = (argv: string[], want: ReturnType<typeof routerFlagOptions>) =>
    assert.deepEqual(routerFlagOptions(parse(argv), "host-1"), want);
  f([], {
    pathPrefix: "",
    headers: { hsts: "", frameOptions: "", csp: "", serverHostname: "host-1" },
    disableCORS: false,
  });
  f([
    "-http.pathPrefix=/vm",
    "-http.header.hsts=max-age=31536000",
    "-http.header.frameOptions=DENY",
    "-http.header.csp=default-src 'self'",
    "-http.header.disableServerHostname",
    "-http.disableCORS",
  ], {
    pathPrefix: "/vm",
    headers: {
      hsts: "max-age=31536000",
      frameOptions: "DENY",
      csp: "default-src 'self'",
      serverHostname: "",
    },
    disableCORS: true,
  });
});

Deno.test("withAttachMetadataFlags() applies the flags only to entries without an attach_metadata section", () => {
  const NODE = "-promscrape.kubernetes.attachNodeMetadataAll";
  const NS = "-promscrape.kubernetes.attachNamespaceMetadataAll";
  // `section` undefined: no attach_metadata written; else its node and namespace values.
  const sd = (section?: { node: boolean; namespace: boolean }): KubernetesSDConfig => {
    const out: KubernetesSDConfig = {
      role: "pod",
      namespaces: { ownNamespace: false, names: [] },
      selectors: [],
      attachMetadata: section ?? { node: false, namespace: false },
      http: { headers: [], followRedirects: true },
    };
    if (section !== undefined) out.attachMetadataSet = true;
    return out;
  };
  const f = (
    argv: string[],
    input: KubernetesSDConfig,
    want: { node: boolean; namespace: boolean },
  ) => {
    const before = structuredClone(input);
    const got = withAttachMetadataFlags(input, parse(argv));
    assert.deepEqual(got.attachMetadata, want, argv.join(" "));
    assert.deepEqual(input, before, "the config entry is not modified");
    assert.deepEqual({ ...got, attachMetadata: before.attachMetadata }, before);
  };
  // No section: the flags are the values.
  f([], sd(), { node: false, namespace: false });
  f([NODE], sd(), { node: true, namespace: false });
  f([NS], sd(), { node: false, namespace: true });
  f([NODE, NS], sd(), { node: true, namespace: true });
  // A section: its values win, an omitted one stays false.
  f([], sd({ node: true, namespace: false }), { node: true, namespace: false });
  f([NODE], sd({ node: false, namespace: false }), { node: false, namespace: false });
  f([NODE, NS], sd({ node: false, namespace: true }), { node: false, namespace: true });
  f([NODE, NS], sd({ node: true, namespace: false }), { node: true, namespace: false });
  const written = sd({ node: false, namespace: false });
  assert.equal(withAttachMetadataFlags(written, parse([NODE, NS])), written);
  const unwritten = sd();
  assert.equal(withAttachMetadataFlags(unwritten, parse([])), unwritten);
});

Deno.test("scrapePoolOptions() takes the external labels of the given config and the member label", () => {
  const sink: Sink = { push: () => true };
  const config = configOf({ global: { external_labels: { dc: "eu1", env: "prod" } } });
  const flags = parse([
    "-promscrape.cluster.membersCount=3",
    "-promscrape.cluster.memberNum=vmagent-2",
    "-promscrape.cluster.memberLabel=member",
    "-promscrape.noStaleMarkers",
  ]);
  const cluster = validateClusterOptions(clusterFlags(flags));
  const o = scrapePoolOptions(flags, cluster, { sink, config });
  assert.equal(o.sink, sink);
  assert.deepEqual(o.externalLabels, [["dc", "eu1"], ["env", "prod"]]);
  assert.equal(o.memberNum, 2);
  assert.deepEqual(o.memberLabel, { name: "member", value: "vmagent-2" });
  assert.equal(o.noStaleMarkers, true);
  const plain = scrapePoolOptions(parse([]), validateClusterOptions(clusterFlags(parse([]))), {
    sink,
    config: configOf({}),
  });
  assert.deepEqual([plain.externalLabels, plain.memberLabel, plain.memberNum], [[], undefined, 0]);
});
