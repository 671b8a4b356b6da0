import assert from "node:assert/strict";
import { type BuildOptions, buildScrapeTargets } from "../../lib/targets/build.ts";
import { validateClusterOptions } from "../../lib/cluster/options.ts";
import type { ScrapeConfig } from "../../lib/config/types.ts";
import type { DiscoveredGroup } from "../../lib/discovery/types.ts";
import type { Label } from "../../lib/util/series.ts";
import { initXXHash64 } from "../../lib/util/xxhash64.ts";
import { jobOf, memLog } from "./_config.ts";

await initXXHash64();

const obj = (labels: readonly Label[]) => Object.fromEntries(labels.map((l) => [l.name, l.value]));
const one = (
  target: string,
  labels: [string, string][] = [],
): DiscoveredGroup[] => [{ targets: [target], labels }];

Deno.test("buildScrapeTargets() builds the reference 1.3 target with defaults", () => {
  const job = jobOf({ static_configs: [{ targets: ["10.0.0.1:9100"] }] });
  const { active, dropped, cluster } = buildScrapeTargets(job, job.staticConfigs);
  assert.equal(active.length, 1);
  assert.equal(dropped.length, 0);
  const t = active[0];
  assert.equal(t.scrapeUrl, "http://10.0.0.1:9100/metrics");
  assert.deepEqual(t.labels, [{ name: "instance", value: "10.0.0.1:9100" }, {
    name: "job",
    value: "node",
  }]);
  assert.deepEqual(t.discoveredLabels.map((l) => `${l.name}=${l.value}`), [
    "__address__=10.0.0.1:9100",
    "__metrics_path__=/metrics",
    "__scheme__=http",
    "__scrape_interval__=1m0s",
    "__scrape_timeout__=10s",
    "job=node",
  ]);
  assert.equal(t.scrapeInterval, 60_000);
  assert.equal(t.scrapeTimeout, 10_000);
  assert.equal(t.job, "node");
  assert.equal(t.discoveryType, "static_configs");
  assert.match(t.id, /^[0-9a-f]{16}$/);
  assert.equal(cluster.length, 1);
  assert.equal(cluster[0].shardHash, "796e6742f7ab9ccd");
  assert.deepEqual(cluster[0].members, [0]);
});

Deno.test("buildScrapeTargets() shards like vmagent: owner members, replicas, dropped with reason sharding", () => {
  const job = jobOf({ static_configs: [{ targets: ["10.0.0.1:9100"] }] });
  const f = (membersCount: number, memberNum: number, rf: number, want: "active" | number[]) => {
    const cluster = validateClusterOptions({
      membersCount,
      memberNum: `vmagent-${memberNum}`,
      replicationFactor: rf,
    });
    const r = buildScrapeTargets(job, job.staticConfigs, { cluster });
    if (want === "active") {
      assert.equal(r.active.length, 1, `N=${membersCount} member ${memberNum} rf=${rf}`);
      assert.equal(r.dropped.length, 0);
    } else {
      assert.equal(r.active.length, 0, `N=${membersCount} member ${memberNum} rf=${rf}`);
      assert.equal(r.dropped.length, 1);
      assert.equal(r.dropped[0].reason, "sharding");
      assert.deepEqual(r.dropped[0].clusterMembers, want);
      assert.deepEqual(obj(r.dropped[0].labels!), { instance: "10.0.0.1:9100", job: "node" });
      assert.equal(r.dropped[0].discoveredLabels.length, 6);
    }
    assert.equal(r.cluster.length, 1, "every member sees the target in the cluster view");
  };
  f(2, 0, 1, [1]);
  f(2, 1, 1, "active");
  f(3, 0, 1, "active");
  f(3, 1, 1, [0]);
  f(3, 0, 2, "active");
  f(3, 1, 2, "active");
  f(3, 2, 2, [0, 1]);
  f(4, 1, 1, "active");
  f(4, 0, 1, [1]);
  f(2, 0, 2, "active"); // owner 1, replica wraps to 0
  f(1, 0, 1, "active");
});

Deno.test("buildScrapeTargets() hashes HEAD's relabeled label order (created labels appended)", () => {
  const job = jobOf({
    static_configs: [{ targets: ["10.0.0.1:9100"] }],
    relabel_configs: [{ target_label: "env", replacement: "prod" }],
  });
  const f = (membersCount: number, owner: number) => {
    for (let m = 0; m < membersCount; m++) {
      const cluster = validateClusterOptions({ membersCount, memberNum: String(m) });
      const r = buildScrapeTargets(job, job.staticConfigs, { cluster });
      assert.equal(r.active.length, m === owner ? 1 : 0, `N=${membersCount} member ${m}`);
      assert.equal(r.cluster[0].shardHash, "0f0c63a5ec2791c7");
    }
  };
  f(2, 1);
  f(3, 1);
});

Deno.test("buildScrapeTargets() keys on -promscrape.cluster.shardByLabels when the target has them", () => {
  const job = jobOf({
    static_configs: [
      { targets: ["a:1", "b:1", "c:1", "d:1", "e:1", "f:1"], labels: { service: "web" } },
      { targets: ["g:1"] },
    ],
  });
  const cluster = validateClusterOptions({
    membersCount: 5,
    memberNum: "0",
    shardByLabels: ["service"],
  });
  const r = buildScrapeTargets(job, job.staticConfigs, { cluster });
  const owners = new Set(
    r.cluster.filter((t) => t.target.labels.some((l) => l.name === "service"))
      .map((t) => t.members.join()),
  );
  assert.equal(owners.size, 1, "all targets of one service land on one member");
  assert.equal(r.cluster.length, 7);
});

Deno.test("buildScrapeTargets() adds the default port to instance but not to the URL", () => {
  const f = (
    job: Record<string, unknown>,
    target: string,
    wantUrl: string,
    wantInstance: string,
  ) => {
    const j = jobOf(job);
    const { active } = buildScrapeTargets(j, one(target));
    assert.equal(active.length, 1, target);
    assert.equal(active[0].scrapeUrl, wantUrl);
    assert.equal(obj(active[0].labels).instance, wantInstance);
  };
  f({}, "host", "http://host/metrics", "host:80");
  f({ scheme: "https" }, "host", "https://host/metrics", "host:443");
  f({ scheme: "HTTPS" }, "host:8443", "https://host:8443/metrics", "host:8443");
  f({}, "[::1]:9100", "http://[::1]:9100/metrics", "[::1]:9100");
  f({ metrics_path: "federate" }, "h:1", "http://h:1/federate", "h:1");
  // vmagent's extension: scheme and path in __address__.
  f({}, "https://h/probe", "https://h/probe", "h:443");
  f({ scheme: "https" }, "http://h:9/a/b", "http://h:9/a/b", "h:9");
  f({ params: { x: ["1"] } }, "http://h/p?y=2", "http://h/p?y=2&x=1", "h:80");
  f(
    { relabel_configs: [{ target_label: "instance", replacement: "mine" }] },
    "h:1",
    "http://h:1/metrics",
    "mine",
  );
});

Deno.test("buildScrapeTargets() takes the first param value as __param_* and the rest from params", () => {
  const job = jobOf({
    params: { module: ["http_2xx", "tcp"], "a b": ["x&y=z/é"], empty: [] },
    relabel_configs: [
      { source_labels: ["__address__"], target_label: "__param_target" },
      { target_label: "__address__", replacement: "blackbox:9115" },
    ],
  });
  const { active } = buildScrapeTargets(job, one("example.com"));
  const t = active[0];
  assert.equal(
    t.scrapeUrl,
    "http://blackbox:9115/metrics?a+b=x%26y%3Dz%2F%C3%A9&module=http_2xx&module=tcp&target=example.com",
  );
  assert.deepEqual(obj(t.discoveredLabels)["__param_module"], "http_2xx");
  assert.equal(obj(t.discoveredLabels)["__param_empty"], undefined);
  assert.deepEqual(obj(t.labels), { instance: "blackbox:9115", job: "node" });
});

Deno.test("buildScrapeTargets() merges group and meta labels after the defaults, later names winning", () => {
  const job = jobOf({});
  const { active } = buildScrapeTargets(job, [{
    targets: ["h:1"],
    labels: [["job", "override"], ["team", ""], ["__meta_x", "1"], ["env", "a"], ["env", "b"], [
      "__scheme__",
      "https",
    ]],
  }]);
  const t = active[0];
  assert.deepEqual(obj(t.labels), { env: "b", instance: "h:1", job: "override" });
  assert.equal(t.scrapeUrl, "https://h:1/metrics");
  assert.equal(obj(t.discoveredLabels)["__meta_x"], "1");
  assert.equal(obj(t.discoveredLabels)["team"], "");
});

Deno.test("buildScrapeTargets() drops targets for relabeling and for a missing address", () => {
  const f = (relabel: unknown[], groups: DiscoveredGroup[], want: string[]) => {
    const job = jobOf({ relabel_configs: relabel });
    const r = buildScrapeTargets(job, groups);
    assert.deepEqual(r.dropped.map((d) => d.reason), want);
    assert.equal(r.active.length + r.dropped.length, groups.flatMap((g) => g.targets).length);
  };
  f([{ source_labels: ["env"], regex: "dev", action: "drop" }], one("h:1", [["env", "dev"]]), [
    "relabeling",
  ]);
  f([{ source_labels: ["env"], regex: "prod", action: "keep" }], one("h:1", [["env", "dev"]]), [
    "relabeling",
  ]);
  f([{ regex: "__address__", action: "labeldrop" }], one("h:1"), ["missing scrape URL"]);
  f([{ target_label: "__address__", replacement: "" }], one("h:1"), ["missing scrape URL"]);
  // Only meta labels survive: no labels left.
  f([{ regex: "__meta_.*", action: "labelkeep" }], one("h:1", [["__meta_a", "1"]]), ["relabeling"]);
  f([], one("h:1"), []);
});

Deno.test("buildScrapeTargets() reads the __*__ option labels back and logs bad ones", () => {
  const f = (
    labels: [string, string][],
    check: (t: ReturnType<typeof buildScrapeTargets>) => void,
  ) => {
    const job = jobOf({ sample_limit: 5, series_limit: 6, label_limit: 7, stream_parse: true });
    check(buildScrapeTargets(job, one("h:1", labels), { log: memLog() }));
  };
  f([], ({ active: [t] }) => {
    assert.deepEqual([t.sampleLimit, t.seriesLimit, t.labelLimit, t.streamParse], [5, 6, 7, true]);
  });
  f([
    ["__scrape_interval__", "30s"],
    ["__scrape_timeout__", "1.5s"],
    ["__sample_limit__", "100"],
    ["__series_limit__", "+200"],
    ["__label_limit__", "30"],
    ["__stream_parse__", "F"],
    ["__max_scrape_size__", "1KiB"],
  ], ({ active: [t] }) => {
    assert.equal(t.scrapeInterval, 30_000);
    assert.equal(t.scrapeTimeout, 1500);
    assert.deepEqual([t.sampleLimit, t.seriesLimit, t.labelLimit, t.streamParse], [
      100,
      200,
      30,
      false,
    ]);
    assert.equal(t.maxScrapeSize, 1024);
    assert.deepEqual(obj(t.labels), { instance: "h:1", job: "node" });
  });
  const bad = (labels: [string, string][], want: RegExp) => {
    const job = jobOf({});
    const log = memLog();
    const r = buildScrapeTargets(job, one("h:1", labels), { log });
    assert.equal(r.active.length + r.dropped.length, 0);
    assert.equal(log.errors.length, 1);
    assert.match(
      log.errors[0],
      /^skipping `static_configs` target "h:1" for job_name=node because of error: /,
    );
    assert.match(log.errors[0], want);
  };
  bad([["__scrape_interval__", "soon"]], /cannot parse __scrape_interval__="soon"/);
  bad([["__series_limit__", "1e3"]], /cannot parse __series_limit__="1e3": strconv.Atoi/);
  bad([["__stream_parse__", "yes"]], /cannot parse __stream_parse__="yes": strconv.ParseBool/);
  bad([["__max_scrape_size__", "big"]], /cannot parse __max_scrape_size__="big"/);
  bad([["__address__", "a b:1"]], /invalid target url="http:\/\/a b:1\/metrics" for job="node"/);
  bad([["__address__", "h:port"]], /invalid port/);
});

Deno.test("buildScrapeTargets() skips a target whose scrape interval is zero or negative", () => {
  const f = (
    job: ScrapeConfig,
    labels: [string, string][],
    relabel: boolean,
    want: RegExp | number,
  ) => {
    const j = relabel
      ? { ...job, relabelConfigs: jobOf({ relabel_configs: [DROP_INTERVAL] }).relabelConfigs }
      : job;
    const log = memLog();
    const r = buildScrapeTargets(j, one("h:1", labels), { log });
    if (typeof want === "number") {
      assert.equal(r.active.length, 1);
      assert.equal(r.active[0].scrapeInterval, want);
      assert.deepEqual(log.errors, []);
      return;
    }
    assert.equal(r.active.length + r.dropped.length, 0);
    assert.equal(log.errors.length, 1);
    assert.match(
      log.errors[0],
      /^skipping `static_configs` target "h:1" for job_name=node because of error: /,
    );
    assert.match(log.errors[0], want);
  };
  const DROP_INTERVAL = { regex: "__scrape_interval__", action: "labeldrop" };
  const job = jobOf({ scrape_interval: "30s" });
  const positive = /invalid __scrape_interval__="(.*)": scrape interval must be positive$/;
  f(job, [["__scrape_interval__", "0s"]], false, positive);
  f(job, [["__scrape_interval__", "0"]], false, positive);
  f(job, [["__scrape_interval__", "-5s"]], false, positive);
  f(job, [["__scrape_interval__", "1m-1m"]], false, positive);
  // Sub-millisecond values truncate to 0 ms.
  f(job, [["__scrape_interval__", "0.5ms"]], false, positive);
  f(job, [["__scrape_interval__", "$__interval"]], false, positive);
  f(job, [["__scrape_interval__", "1ms"]], false, 1);
  f(job, [["__scrape_interval__", "soon"]], false, /cannot parse __scrape_interval__="soon"/);
  // Without the label the job's value stands; a hand-built job may carry a bad one.
  f(job, [], true, 30_000);
  for (const bad of [0, -1000]) {
    f(
      { ...job, scrapeInterval: bad },
      [["__scrape_interval__", "15s"]],
      false,
      15_000,
    );
    f(
      { ...job, scrapeInterval: bad },
      [],
      true,
      /invalid scrape_interval=(0|-1000)ms for job="node": scrape interval must be positive$/,
    );
  }
  // A zero timeout is kept, as vmagent keeps it (its scrapes then all time out at once).
  const r = buildScrapeTargets(job, one("h:1", [["__scrape_timeout__", "0s"]]), { log: memLog() });
  assert.equal(r.active[0].scrapeTimeout, 0);
});

Deno.test("buildScrapeTargets() skips empty static targets with vmagent's log line", () => {
  const job = jobOf({});
  const log = memLog();
  const r = buildScrapeTargets(job, [{ targets: ["", "h:1"], labels: [] }], { log });
  assert.equal(r.active.length, 1);
  assert.deepEqual(log.errors, ["skipping empty `static_configs` target for job_name=node"]);
  // Other discovery types process it (and drop it for lack of an address).
  const k = buildScrapeTargets(job, [{ targets: [""], labels: [] }], {
    log,
    discoveryType: "kubernetes_sd_configs",
  });
  assert.deepEqual(k.dropped.map((d) => d.reason), ["missing scrape URL"]);
});

Deno.test("buildScrapeTargets() adds -promscrape.cluster.memberLabel after the shard key is taken", () => {
  const job = jobOf({});
  const cluster = validateClusterOptions({
    membersCount: 1,
    memberNum: "vmagent-0",
    memberLabel: "vmagent_shard",
  });
  const { active: [t], cluster: [c] } = buildScrapeTargets(job, one("10.0.0.1:9100"), { cluster });
  assert.deepEqual(obj(t.labels), {
    instance: "10.0.0.1:9100",
    job: "node",
    vmagent_shard: "vmagent-0",
  });
  assert.equal(c.shardHash, "796e6742f7ab9ccd");
});

Deno.test("buildScrapeTargets() gives equal keys to identical targets and different keys otherwise", () => {
  const job = jobOf({});
  const keys = (groups: DiscoveredGroup[], opts: BuildOptions = {}) =>
    buildScrapeTargets(job, groups, opts).active.map((t) => t.key);
  const [a, b] = keys([{ targets: ["h:1", "h:1"], labels: [] }]);
  assert.equal(a, b);
  assert.notEqual(keys(one("h:1"))[0], keys(one("h:2"))[0]);
  assert.notEqual(keys(one("h:1"))[0], keys(one("h:1", [["x", "1"]]))[0]);
  assert.notEqual(keys(one("h:1"))[0], keys(one("h:1"), { discoveryType: "file_sd_configs" })[0]);
  assert.notEqual(
    keys(one("h:1"))[0],
    buildScrapeTargets(jobOf({ scrape_interval: "15s" }), one("h:1")).active[0].key,
  );
  assert.notEqual(
    keys(one("h:1"))[0],
    buildScrapeTargets(jobOf({ basic_auth: { username: "u", password: "p" } }), one("h:1"))
      .active[0].key,
  );
  const withSecret = buildScrapeTargets(
    jobOf({ basic_auth: { username: "u", password: "s3cr3t" } }),
    one("h:1"),
  );
  assert.ok(!withSecret.active[0].key.includes("s3cr3t"), "the key never holds credentials");
});

Deno.test("buildScrapeTargets() caps the dropped list but counts every dropped target", () => {
  const job = jobOf({
    relabel_configs: [{ action: "drop", source_labels: ["__address__"], regex: ".*" }],
  });
  const r = buildScrapeTargets(job, [{ targets: ["a:1", "b:1", "c:1"], labels: [] }], {
    maxDroppedTargets: 2,
  });
  assert.equal(r.dropped.length, 2);
  assert.equal(r.droppedTotal, 3);
});

Deno.test("buildScrapeTargets() keeps no original labels and lists no dropped target under dropOriginalLabels", () => {
  const job = jobOf({
    relabel_configs: [
      { source_labels: ["env"], regex: "dev", action: "drop" },
      {
        source_labels: ["__address__"],
        regex: "nourl.*",
        target_label: "__address__",
        replacement: "",
      },
    ],
  });
  const groups: DiscoveredGroup[] = [
    { targets: ["h:1", "h:2"], labels: [["env", "prod"]] },
    { targets: ["d:1"], labels: [["env", "dev"]] },
    { targets: ["nourl:1"], labels: [] },
  ];
  const f = (options: BuildOptions, want: { discovered: number[]; dropped: string[] }) => {
    const r = buildScrapeTargets(job, groups, options);
    const name = JSON.stringify(options);
    assert.deepEqual(r.active.map((t) => t.scrapeUrl), [
      "http://h:1/metrics",
      "http://h:2/metrics",
    ], name);
    assert.deepEqual(r.active.map((t) => t.discoveredLabels.length), want.discovered, name);
    assert.deepEqual(r.dropped.map((d) => d.reason), want.dropped, name);
    assert.equal(r.droppedTotal, want.dropped.length, name);
    // The final labels, key and id do not depend on the original labels.
    const kept = buildScrapeTargets(job, groups);
    assert.deepEqual(
      r.active.map((t) => [t.key, t.id, t.labels]),
      kept.active.map((t) => [
        t.key,
        t.id,
        t.labels,
      ]),
    );
  };
  f({}, { discovered: [7, 7], dropped: ["relabeling", "missing scrape URL"] });
  f({ dropOriginalLabels: false }, {
    discovered: [7, 7],
    dropped: ["relabeling", "missing scrape URL"],
  });
  f({ dropOriginalLabels: true }, { discovered: [0, 0], dropped: [] });
});

Deno.test("buildScrapeTargets() still lists sharded-out targets for /cluster under dropOriginalLabels", () => {
  const job = jobOf({});
  const targets = Array.from({ length: 8 }, (_, i) => `h${i}:1`);
  const cluster = validateClusterOptions({ membersCount: 2, memberNum: "0" });
  const kept = buildScrapeTargets(job, [{ targets, labels: [] }], { cluster });
  const r = buildScrapeTargets(job, [{ targets, labels: [] }], {
    cluster,
    dropOriginalLabels: true,
  });
  assert.ok(kept.dropped.length > 0 && kept.active.length > 0, "both members own some targets");
  assert.deepEqual(r.active.map((t) => t.key), kept.active.map((t) => t.key));
  assert.deepEqual(r.dropped, []);
  assert.equal(r.droppedTotal, 0);
  assert.deepEqual(
    r.cluster.map((c) => [c.target.key, c.members]),
    kept.cluster.map((c) => [c.target.key, c.members]),
  );
  for (const c of r.cluster) assert.deepEqual(c.target.discoveredLabels, []);
});
