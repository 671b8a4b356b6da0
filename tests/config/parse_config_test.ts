import assert from "node:assert/strict";
import { listScrapeConfigFiles, parseConfig } from "../../lib/config/parse_config.ts";
import type { Config } from "../../lib/config/types.ts";
import { ConfigError } from "../../lib/util/field_error.ts";
import { comparable, corpusNames, corpusText, DEFAULT_JOB, withDefaults } from "./_corpus.ts";

const parse = (
  text: string,
  strictParse = true,
  extra: Partial<Parameters<typeof parseConfig>[1]> = {},
) => parseConfig(text, { file: "/etc/vmagent/prometheus.yml", strictParse, ...extra });

const errorOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `want ConfigError, got ${e}`);
    return e.message;
  }
  assert.fail("no error");
};

Deno.test("parseConfig() returns the expected config for every valid corpus file", () => {
  const names = corpusNames("valid");
  assert.ok(names.length >= 7);
  for (const name of names) {
    const cfg = parseConfig(corpusText(`valid/${name}.yml`), {
      file: `/etc/vmagent/${name}.yml`,
      strictParse: true,
    });
    const want = JSON.parse(corpusText(`valid/${name}.json`));
    assert.deepEqual(comparable(cfg), withDefaults(want), name);
    assert.equal(cfg.maskedYaml, corpusText(`valid/${name}.masked.yml`), `${name} maskedYaml`);
    assert.equal(cfg.source, `/etc/vmagent/${name}.yml`);
    assert.equal(cfg.baseDir, "/etc/vmagent");
  }
});

Deno.test("parseConfig() throws the exact error for every invalid corpus file", () => {
  const names = corpusNames("invalid");
  assert.ok(names.length >= 40);
  for (const name of names) {
    const text = corpusText(`invalid/${name}.yml`);
    const want = /^# want: (.*)$/m.exec(text)?.[1];
    assert.ok(want, `${name}: missing "# want:" line`);
    const got = errorOf(() =>
      parseConfig(text, {
        file: `/etc/vmagent/${name}.yml`,
        strictParse: !text.includes("# strictParse: false"),
      })
    );
    assert.equal(got, want, name);
  }
});

Deno.test("parseConfig() ignores unknown fields when strictParse is false", () => {
  const text = "foo: 1\nglobal: {bar: 2}\nscrape_configs:\n- job_name: a\n  baz: 3\n" +
    "  static_configs: [{targets: [x:1], qux: 4}]\n  relabel_configs: [{action: drop, quux: 5, source_labels: [a], regex: x}]\n";
  const cfg = parse(text, false);
  assert.deepEqual(cfg.scrapeConfigs.map((j) => j.jobName), ["a"]);
  assert.deepEqual(cfg.scrapeConfigs[0].staticConfigs, [{ targets: ["x:1"], labels: [] }]);
  assert.deepEqual(cfg.scrapeConfigs[0].relabelConfigs.map((r) => r.source), [
    { action: "drop", source_labels: ["a"], regex: "x" },
  ]);
  // Unknown fields are not re-marshalled, as vmagent shows only what it understood.
  assert.equal(
    cfg.maskedYaml,
    "scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets:\n          - x:1\n" +
      "    relabel_configs:\n      - action: drop\n        source_labels:\n          - a\n        regex: x\n",
  );
  assert.match(
    errorOf(() => parse(text, true)),
    /^\/etc\/vmagent\/prometheus\.yml:1:1: foo: unknown field "foo"/,
  );
});

Deno.test("parseConfig() lets the last duplicate key win only when strictParse is false", () => {
  // yaml.v2 rejects a repeated key only in UnmarshalStrict, which strictParse selects.
  const text = "scrape_configs:\n- job_name: a\n  scrape_interval: 5s\n  job_name: b\n" +
    "  static_configs: [{targets: [x:1], labels: {env: dev, env: prod}}]\n";
  const sc = parse(text, false).scrapeConfigs[0];
  assert.deepEqual([sc.jobName, sc.scrapeInterval, sc.staticConfigs[0].labels], [
    "b",
    5000,
    [["env", "prod"]],
  ]);
  assert.equal(
    errorOf(() => parse(text, true)),
    '/etc/vmagent/prometheus.yml:4:3: scrape_configs[0].job_name: cannot parse YAML: duplicate key "job_name"',
  );
});

Deno.test("parseConfig() applies interval and timeout defaults and clamping", () => {
  const f = (text: string, want: [number, number][]) =>
    assert.deepEqual(
      parse(text).scrapeConfigs.map((j) => [j.scrapeInterval, j.scrapeTimeout]),
      want,
      text,
    );
  f("scrape_configs: [{job_name: a}]", [[60000, 10000]]);
  f("scrape_configs: [{job_name: a, scrape_interval: 5s}]", [[5000, 5000]]);
  f("scrape_configs: [{job_name: a, scrape_interval: 1m30s, scrape_timeout: 500ms}]", [[
    90000,
    500,
  ]]);
  f(
    "global: {scrape_interval: 2m}\nscrape_configs: [{job_name: a}, {job_name: b, scrape_interval: 1d}]",
    [
      [120000, 10000],
      [86400000, 10000],
    ],
  );
  f("global: {scrape_timeout: 1h}\nscrape_configs: [{job_name: a}]", [[60000, 60000]]);
  f("scrape_configs: [{job_name: a, scrape_interval: -5s}]", [[60000, 10000]]);
  // Zero (or below 1ms) means unset, on a job and on global, as in vmagent's config.go.
  f("scrape_configs: [{job_name: a, scrape_interval: 0s, scrape_timeout: 0}]", [[60000, 10000]]);
  f("scrape_configs: [{job_name: a, scrape_interval: 0.5ms}]", [[60000, 10000]]);
  f("global: {scrape_interval: 0s, scrape_timeout: 0s}\nscrape_configs: [{job_name: a}]", [[
    60000,
    10000,
  ]]);
  f("global: {scrape_interval: 30s}\nscrape_configs: [{job_name: a, scrape_interval: 0s}]", [[
    30000,
    10000,
  ]]);
  f("scrape_configs: [{job_name: a, scrape_interval: 1w, scrape_timeout: 1y}]", [[
    604800000,
    604800000,
  ]]);
});

Deno.test("parseConfig() folds global limits and relabel rules into every job", () => {
  const cfg = parse(
    "global:\n  sample_limit: 100\n  label_limit: 10\n  relabel_configs: [{target_label: g, replacement: '1'}]\n" +
      "  metric_relabel_configs: [{action: drop, source_labels: [x], regex: y}]\n" +
      "scrape_configs:\n- job_name: a\n  sample_limit: 5\n  relabel_configs: [{target_label: j, replacement: '2'}]\n" +
      "- job_name: b\n",
  );
  const [a, b] = cfg.scrapeConfigs;
  assert.deepEqual([a.sampleLimit, a.labelLimit, b.sampleLimit, b.labelLimit], [5, 10, 100, 10]);
  assert.deepEqual(a.relabelConfigs.map((r) => r.source.target_label), ["g", "j"]);
  assert.deepEqual(b.relabelConfigs.map((r) => r.source.target_label), ["g"]);
  assert.deepEqual(a.metricRelabelConfigs.map((r) => r.action), ["drop"]);
  assert.deepEqual(b.metricRelabelConfigs.map((r) => r.action), ["drop"]);
});

Deno.test("parseConfig() reads enable_compression and series_limit like vmagent", () => {
  const f = (job: string, want: Partial<Config["scrapeConfigs"][0]>) => {
    const sc = parse(`scrape_configs: [{job_name: a, ${job}}]`).scrapeConfigs[0];
    for (const [k, v] of Object.entries(want)) {
      assert.deepEqual(sc[k as keyof typeof sc], v, `${job} ${k}`);
    }
  };
  f("disable_compression: true", { disableCompression: true });
  f("enable_compression: true, disable_compression: true", { disableCompression: false });
  f("enable_compression: false", { disableCompression: true });
  f("series_limit: 7", { seriesLimit: 7 });
  f("max_scrape_size: 1.5KB", { maxScrapeSize: 1500 });
  f("max_scrape_size: 2kib", { maxScrapeSize: 2048 });
  f("max_scrape_size: 1024", { maxScrapeSize: 1024 });
  f("max_scrape_size: 0", { maxScrapeSize: 0 });
  f("scheme: Https", { scheme: "https" });
  f("metrics_path: ''", { metricsPath: "/metrics" });
  f("params: {empty: ~, one: [v]}", { params: [["empty", []], ["one", ["v"]]] });
});

Deno.test("parseConfig() resolves relative file paths against baseDir", () => {
  const text = "scrape_configs:\n- job_name: a\n  bearer_token_file: ../t\n" +
    "  file_sd_configs: [{files: [sd/*.json, /abs.json]}]\n";
  const f = (baseDir: string | undefined, file: string, want: [string, string]) => {
    const sc = parseConfig(text, { file, strictParse: true, baseDir }).scrapeConfigs[0];
    assert.deepEqual([sc.http.bearerTokenFile, sc.fileSdConfigs[0].files[0]], want);
    assert.equal(sc.fileSdConfigs[0].files[1], "/abs.json");
  };
  f(undefined, "/etc/vmagent/c.yml", ["/etc/t", "/etc/vmagent/sd/*.json"]);
  f("/srv/cfg", "/etc/vmagent/c.yml", ["/srv/t", "/srv/cfg/sd/*.json"]);
  f(undefined, "c.yml", ["../t", "sd/*.json"]);
  f(undefined, "http://cfg.example/v1/c.yml", [
    "http://cfg.example/t",
    "http://cfg.example/v1/sd/*.json",
  ]);
});

Deno.test("parseConfig() reads jobs from included scrape_config_files and names that file in errors", () => {
  const main = "scrape_configs: [{job_name: main}]\nscrape_config_files: [jobs/*.yml]\n";
  const includes = [
    {
      file: "/etc/vmagent/jobs/a.yml",
      text: "- job_name: a\n  static_configs: [{targets: [x:1]}]\n",
    },
    { file: "/etc/vmagent/jobs/b.yml", text: "" },
    { file: "/etc/vmagent/jobs/c.yml", text: "- job_name: c\n  bearer_token: tok\n" },
  ];
  const cfg = parse(main, true, { includes });
  assert.deepEqual(cfg.scrapeConfigs.map((j) => j.jobName), ["main", "a", "c"]);
  assert.equal(
    cfg.maskedYaml,
    "scrape_configs:\n  - job_name: main\n  - job_name: a\n    static_configs:\n      - targets:\n          - x:1\n" +
      "  - job_name: c\n    bearer_token: <secret>\n",
  );
  assert.ok(cfg.text.includes("# scrape_config_files: /etc/vmagent/jobs/c.yml\n- job_name: c\n"));

  const bad = {
    file: "/etc/vmagent/jobs/bad.yml",
    text: "- job_name: x\n  scrape_interval: nope\n",
  };
  assert.equal(
    errorOf(() => parse(main, true, { includes: [bad] })),
    '/etc/vmagent/jobs/bad.yml:2:20: [0].scrape_interval: cannot parse duration "nope"',
  );
  const dup = { file: "/etc/vmagent/jobs/dup.yml", text: "- job_name: other\n- job_name: main\n" };
  assert.equal(
    errorOf(() => parse(main, true, { includes: [dup] })),
    '/etc/vmagent/jobs/dup.yml:2:13: [1].job_name: duplicate `job_name` in `scrape_configs`: "main"',
  );
  const notList = { file: "/etc/vmagent/jobs/map.yml", text: "job_name: x\n" };
  assert.equal(
    errorOf(() => parse(main, true, { includes: [notList] })),
    "/etc/vmagent/jobs/map.yml:1:1: the top-level value must be a list; got a map",
  );
});

Deno.test("parseConfig() skips an unparsable included file with a warning when strictParse is false", () => {
  const warnings: string[] = [];
  const cfg = parse("scrape_config_files: [a.yml, b.yml]\n", false, {
    includes: [
      { file: "/etc/vmagent/a.yml", text: "- job_name: a\n  scrape_interval: nope\n" },
      { file: "/etc/vmagent/b.yml", text: "- job_name: b\n  unknown: 1\n" },
    ],
    onWarning: (m) => warnings.push(m),
  });
  assert.deepEqual(cfg.scrapeConfigs.map((j) => j.jobName), ["b"]);
  assert.deepEqual(warnings, [
    'skipping "/etc/vmagent/a.yml" at `scrape_config_files` because of failure to parse it: ' +
    '/etc/vmagent/a.yml:2:20: [0].scrape_interval: cannot parse duration "nope"',
  ]);
});

Deno.test("listScrapeConfigFiles() returns the patterns as written", () => {
  const f = (text: string, want: string[]) =>
    assert.deepEqual(listScrapeConfigFiles(text, { file: "c.yml" }), want);
  f("scrape_config_files: [a.yml, 'jobs/*.yml', http://x/y.yml]\n", [
    "a.yml",
    "jobs/*.yml",
    "http://x/y.yml",
  ]);
  f("scrape_configs: []\n", []);
  f("scrape_config_files: [a.yml\n", []);
  f("", []);
});

Deno.test("parseConfig() masks secrets in maskedYaml and keeps them in the parsed config", () => {
  const cfg = parse(
    "scrape_configs:\n- job_name: a\n  basic_auth: {username: u, password: pw1}\n" +
      "  tls_config: {cert: '-----BEGIN CERTIFICATE-----', key: '-----BEGIN KEY-----'}\n" +
      "  headers: ['Authorization: Bearer hdr', 'X-Api-Key: k1', 'X-Plain: visible']\n" +
      "  proxy_url: http://pu:pp@proxy:3128\n  proxy_authorization: {credentials: pc}\n" +
      "  kubernetes_sd_configs:\n  - role: pod\n    api_server: http://k\n    oauth2: {client_id: i, client_secret: cs, token_url: http://t}\n",
  );
  for (const secret of ["pw1", "-----BEGIN KEY", "hdr", "k1", ":pp@", "pc", "cs"]) {
    assert.ok(!cfg.maskedYaml.includes(secret), `maskedYaml leaks ${secret}:\n${cfg.maskedYaml}`);
  }
  for (
    const shown of [
      "X-Plain: visible",
      "http://pu:<secret>@proxy:3128",
      "password: <secret>",
      "client_id: i",
    ]
  ) {
    assert.ok(cfg.maskedYaml.includes(shown), `maskedYaml misses ${shown}:\n${cfg.maskedYaml}`);
  }
  const sc = cfg.scrapeConfigs[0];
  assert.equal(sc.http.basicAuth?.password, "pw1");
  assert.equal(sc.http.proxyClientConfig?.authorization?.credentials, "pc");
  assert.equal(sc.kubernetesSdConfigs[0].http.oauth2?.clientSecret, "cs");
  assert.deepEqual(sc.http.headers, [["Authorization", "Bearer hdr"], ["X-Api-Key", "k1"], [
    "X-Plain",
    "visible",
  ]]);
});

Deno.test("parseConfig() gives equal fingerprints only to unchanged jobs", () => {
  const fp = (text: string) => parse(text).scrapeConfigs.map((j) => j.fingerprint);
  const [a1, b1] = fp("scrape_configs:\n- job_name: a\n  scrape_interval: 1m\n- job_name: b\n");
  const [a2, b2] = fp(
    "scrape_configs:\n- {job_name: a, scrape_interval: 60s}\n- job_name: b\n  honor_labels: true\n",
  );
  const [a3] = fp(
    "global: {scrape_timeout: 5s}\nscrape_configs:\n- job_name: a\n  scrape_interval: 1m\n",
  );
  assert.equal(a1, a2);
  assert.notEqual(b1, b2);
  assert.notEqual(a1, a3);
});

Deno.test("parseConfig() returns an empty job list for an empty or comment-only text", () => {
  const f = (text: string) => {
    const cfg = parse(text);
    assert.deepEqual(cfg.scrapeConfigs, []);
    assert.deepEqual(cfg.global, {
      scrapeInterval: 60000,
      scrapeTimeout: 10000,
      externalLabels: [],
    });
    assert.equal(cfg.text, text);
  };
  f("");
  f("# nothing\n");
  f("scrape_configs:\n");
  f("global:\nscrape_configs: []\n");
});

Deno.test("parseConfig() keeps DEFAULT_JOB in step with a job that sets nothing", () => {
  const { fingerprint: _, jobName, ...rest } =
    parse("scrape_configs: [{job_name: a}]").scrapeConfigs[0];
  assert.equal(jobName, "a");
  assert.deepEqual(rest, DEFAULT_JOB);
});

Deno.test("parseConfig() records whether a kubernetes_sd_configs entry has an attach_metadata section", () => {
  const f = (
    entry: string,
    want: { attachMetadata: { node: boolean; namespace: boolean }; attachMetadataSet?: boolean },
  ) => {
    const sd = parse(
      `scrape_configs:\n- job_name: k\n  kubernetes_sd_configs:\n  - {role: pod${entry}}\n`,
    ).scrapeConfigs[0].kubernetesSdConfigs[0];
    assert.deepEqual(
      { attachMetadata: sd.attachMetadata, attachMetadataSet: sd.attachMetadataSet },
      { attachMetadataSet: undefined, ...want },
      entry,
    );
  };
  const off = { node: false, namespace: false };
  f("", { attachMetadata: off });
  f(", attach_metadata: null", { attachMetadata: off });
  f(", attach_metadata: {}", { attachMetadata: off, attachMetadataSet: true });
  f(", attach_metadata: {node: false}", { attachMetadata: off, attachMetadataSet: true });
  f(", attach_metadata: {node: true}", {
    attachMetadata: { node: true, namespace: false },
    attachMetadataSet: true,
  });
  f(", attach_metadata: {namespace: true}", {
    attachMetadata: { node: false, namespace: true },
    attachMetadataSet: true,
  });
});
