import assert from "node:assert/strict";
import { ownerMembers, ownerMembersForHash, shardKey } from "../../lib/cluster/shard.ts";
import { initXXHash64, xxhash64 } from "../../lib/util/xxhash64.ts";
import type { Label } from "../../lib/util/series.ts";
import { buildScrapeTargets } from "../../lib/targets/build.ts";
import { validateClusterOptions } from "../../lib/cluster/options.ts";
import { jobOf } from "../targets/_config.ts";

await initXXHash64();

const L = (...pairs: [string, string][]): Label[] =>
  pairs.map(([name, value]) => ({ name, value }));

// The labels of reference 1.3 (job node, one static target, defaults), sorted by name.
const BASE: [string, string][] = [
  ["__address__", "10.0.0.1:9100"],
  ["__metrics_path__", "/metrics"],
  ["__scheme__", "http"],
  ["__scrape_interval__", "1m0s"],
  ["__scrape_timeout__", "10s"],
];

Deno.test("shardKey() writes name=value, for every label in order, unescaped", () => {
  const f = (labels: Label[], want: string) => assert.equal(shardKey(labels, []), want);
  f([], "");
  f(
    L(...BASE, ["job", "node"]),
    "__address__=10.0.0.1:9100,__metrics_path__=/metrics,__scheme__=http," +
      "__scrape_interval__=1m0s,__scrape_timeout__=10s,job=node,",
  );
  f(L(["a", 'x"y,z=1'], ["b", ""]), 'a=x"y,z=1,b=,');
  // Order is kept as given: HEAD appends labels created by relabeling.
  f(L(["job", "node"], ["env", "prod"]), "job=node,env=prod,");
});

Deno.test("shardKey() uses only -promscrape.cluster.shardByLabels labels in sorted order when present", () => {
  const labels = L(["app", "web"], ["instance", "i1"], ["zone", "z1"], ["app", "dup"]);
  const f = (by: string[], want: string) => assert.equal(shardKey(labels, by), want);
  f(["zone", "app"], "app=web,zone=z1,");
  f(["zone"], "zone=z1,");
  f(["missing", "zone"], "zone=z1,");
  // None present: all labels are used.
  f(["missing"], "app=web,instance=i1,zone=z1,app=dup,");
});

Deno.test("shardKey() and ownerMembers() reproduce the worked examples of reference 1.3", () => {
  const f = (
    labels: [string, string][],
    wantKey: string,
    wantHash: bigint,
    want: { n2: number; n3: number; n4?: number },
  ) => {
    const key = shardKey(L(...labels), []);
    assert.equal(key, wantKey);
    assert.equal(xxhash64(key), wantHash);
    assert.deepEqual(ownerMembers(key, 2, 1), [want.n2]);
    assert.deepEqual(ownerMembers(key, 3, 1), [want.n3]);
    if (want.n4 !== undefined) assert.deepEqual(ownerMembers(key, 4, 1), [want.n4]);
  };
  const base = "__address__=10.0.0.1:9100,__metrics_path__=/metrics,__scheme__=http,";
  f(
    [...BASE, ["job", "node"]],
    base + "__scrape_interval__=1m0s,__scrape_timeout__=10s,job=node,",
    0x796e6742f7ab9ccdn,
    { n2: 1, n3: 0, n4: 1 },
  );
  assert.equal(
    shardKey(L(...BASE, ["job", "node"]), []).length,
    125,
    "the key of reference 1.3 is 125 bytes",
  );
  f(
    [...BASE.slice(0, 3), ["__scrape_interval__", "15s"], BASE[4], ["job", "node"]],
    base + "__scrape_interval__=15s,__scrape_timeout__=10s,job=node,",
    0x473721a16e996c5an,
    { n2: 0, n3: 1 },
  );
  // v1.79.5 with global.external_labels {dc: eu1}: part of the key then (not in HEAD).
  f(
    [...BASE, ["dc", "eu1"], ["job", "node"]],
    base + "__scrape_interval__=1m0s,__scrape_timeout__=10s,dc=eu1,job=node,",
    0x848b340ae9686583n,
    { n2: 1, n3: 2 },
  );
  // v1.79.5 relabel target_label env=prod: sorted into place.
  f(
    [...BASE, ["env", "prod"], ["job", "node"]],
    base + "__scrape_interval__=1m0s,__scrape_timeout__=10s,env=prod,job=node,",
    0xc44f46ee12e4933an,
    { n2: 0, n3: 2 },
  );
  // HEAD: the created label is appended after relabeling.
  f(
    [...BASE, ["job", "node"], ["env", "prod"]],
    base + "__scrape_interval__=1m0s,__scrape_timeout__=10s,job=node,env=prod,",
    0x0f0c63a5ec2791c7n,
    { n2: 1, n3: 1 },
  );
});

Deno.test("ownerMembers() matches the upstream unit-test vectors", () => {
  const f = (key: string, n: number, want: number) =>
    assert.deepEqual(ownerMembers(key, n, 1), [want]);
  f("foo", 2, 1);
  f("baz", 2, 0);
  f("abc", 3, 0);
  f("bar", 3, 1);
  f("foo", 3, 2);
});

Deno.test("ownerMembers() adds replicas on the next members, wrapping to 0", () => {
  const key = shardKey(L(...BASE, ["job", "node"]), []);
  const f = (n: number, rf: number, want: number[]) =>
    assert.deepEqual(ownerMembers(key, n, rf), want);
  f(3, 2, [0, 1]);
  f(3, 3, [0, 1, 2]);
  f(2, 2, [1, 0]); // owner 1 wraps to 0
  f(4, 3, [1, 2, 3]);
  f(3, 0, [0]); // replicationFactor < 1 acts as 1
  f(3, -5, [0]);
  f(1, 3, [0]); // no sharding
  f(0, 1, [0]);
});

Deno.test("ownerMembersForHash() takes the unsigned 64-bit remainder", () => {
  const f = (h: bigint, n: number, rf: number, want: number[]) =>
    assert.deepEqual(ownerMembersForHash(h, n, rf), want);
  f(0xffffffffffffffffn, 10, 1, [5]); // 18446744073709551615 % 10
  f(0xffffffffffffffffn, 7, 2, [1, 2]); // 18446744073709551615 % 7 = 1
  f(0n, 5, 2, [0, 1]);
  f(9n, 5, 3, [4, 0, 1]);
});

Deno.test("the target stage hashes shardKey() of the labels in HEAD's order after relabeling", () => {
  const head = "__address__=10.0.0.1:9100,__metrics_path__=/metrics,__scheme__=http," +
    "__scrape_interval__=1m0s,__scrape_timeout__=10s,";
  const f = (
    job: Record<string, unknown>,
    wantKey: string,
    want?: { hash: string; n2: number; n3: number },
  ) => {
    const j = jobOf({ static_configs: [{ targets: ["10.0.0.1:9100"] }], ...job });
    for (const n of [2, 3, 5]) {
      for (let m = 0; m < n; m++) {
        const cluster = validateClusterOptions({ membersCount: n, memberNum: `vmagent-${m}` });
        const r = buildScrapeTargets(j, j.staticConfigs, { cluster });
        assert.equal(r.cluster.length, 1);
        const owners = ownerMembers(wantKey, n, 1);
        assert.equal(r.cluster[0].shardHash, xxhash64(wantKey).toString(16).padStart(16, "0"));
        assert.deepEqual(r.cluster[0].members, owners);
        assert.equal(r.active.length, owners.includes(m) ? 1 : 0, `N=${n} member ${m}`);
        if (want !== undefined) {
          assert.equal(r.cluster[0].shardHash, want.hash);
          if (n === 2) assert.deepEqual(owners, [want.n2]);
          if (n === 3) assert.deepEqual(owners, [want.n3]);
        }
      }
    }
  };
  // Reference 1.3, last row: a label created by relabeling is appended (v1.79.5 sorted it in,
  // giving 0xc44f46ee12e4933a, members 0 of 2 and 2 of 3).
  f(
    { relabel_configs: [{ target_label: "env", replacement: "prod" }] },
    head + "job=node,env=prod,",
    { hash: "0f0c63a5ec2791c7", n2: 1, n3: 1 },
  );
  // A label changed in place keeps its position.
  f({ relabel_configs: [{ target_label: "job", replacement: "db" }] }, head + "job=db,");
  // labelmap appends the labels it creates after the sorted merged labels.
  f(
    {
      static_configs: [{ targets: ["10.0.0.1:9100"], labels: { zone: "z1", app: "a" } }],
      relabel_configs: [{ action: "labelmap", regex: "zone", replacement: "dc" }],
    },
    head + "app=a,job=node,zone=z1,dc=z1,",
  );
  // Labels emptied by relabeling are dropped; other __ labels (but __meta_*) stay in the key.
  f(
    {
      static_configs: [{ targets: ["10.0.0.1:9100"], labels: { zone: "z1" } }],
      relabel_configs: [
        { target_label: "zone", replacement: "" },
        { target_label: "__tmp_x", replacement: "y" },
        { action: "labeldrop", regex: "__scrape_timeout__" },
      ],
    },
    "__address__=10.0.0.1:9100,__metrics_path__=/metrics,__scheme__=http," +
      "__scrape_interval__=1m0s,job=node,__tmp_x=y,",
  );
});
