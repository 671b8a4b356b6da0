import assert from "node:assert/strict";
import {
  DEFAULT_CONFIG_SOURCE,
  type DefaultConfigOptions,
  defaultConfigText,
} from "../../app/default_config.ts";
import { parseConfig } from "../../lib/config/mod.ts";

Deno.test("defaultConfigText() scrapes the agent's own /metrics, under -http.pathPrefix if set", () => {
  const f = (listen: string, pathPrefix: string | undefined, want: string[]) =>
    assert.deepEqual(defaultConfigText(listen, { pathPrefix }).trimEnd().split("\n"), [
      "scrape_configs:",
      "- job_name: vmagent",
      "  scrape_interval: 5s",
      ...want,
    ]);
  f(":8429", undefined, ["  static_configs:", '  - targets: ["127.0.0.1:8429"]']);
  f("127.0.0.2:9000", "", ["  static_configs:", '  - targets: ["127.0.0.2:9000"]']);
  f(":8429", "/vm/agent", [
    '  metrics_path: "/vm/agent/metrics"',
    "  static_configs:",
    '  - targets: ["127.0.0.1:8429"]',
  ]);
  f("[::1]:8429", "pfx/", [
    '  metrics_path: "/pfx/metrics"',
    "  static_configs:",
    '  - targets: ["[::1]:8429"]',
  ]);
});

Deno.test("defaultConfigText() scrapes over https with -tls and with the -httpAuth credentials", () => {
  const f = (opts: DefaultConfigOptions, want: string[]) =>
    assert.deepEqual(defaultConfigText("127.0.0.1:8443", opts).trimEnd().split("\n"), [
      "scrape_configs:",
      "- job_name: vmagent",
      "  scrape_interval: 5s",
      ...want,
      "  static_configs:",
      '  - targets: ["127.0.0.1:8443"]',
    ]);
  f({ tls: false, basicAuth: { username: "", password: "ignored" } }, []);
  f({ tls: true }, ["  scheme: https", "  tls_config:", "    insecure_skip_verify: true"]);
  f({ basicAuth: { username: "admin", password: 'p"w: #1' } }, [
    "  basic_auth:",
    '    username: "admin"',
    '    password: "p\\"w: #1"',
  ]);
  // The text parses, and /config masks the password.
  const config = parseConfig(
    defaultConfigText(":8429", { tls: true, basicAuth: { username: "a", password: 'p"w: #1' } }),
    { file: DEFAULT_CONFIG_SOURCE, strictParse: true },
  );
  const job = config.scrapeConfigs[0];
  assert.equal(job.scheme, "https");
  assert.equal(job.http.tlsConfig?.insecureSkipVerify, true);
  assert.deepEqual(job.http.basicAuth?.username, "a");
  assert.doesNotMatch(config.maskedYaml, /p\\?"w/);
  assert.match(config.maskedYaml, /password: <secret>/);
});
