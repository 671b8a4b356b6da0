import assert from "node:assert/strict";
import { defaultConfigText } from "../../app/default_config.ts";

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
