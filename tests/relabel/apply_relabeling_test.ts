import { deepEqual, equal, throws } from "node:assert/strict";
import { parse } from "yaml";
import { applyRelabeling } from "../../lib/relabel/apply_relabeling.ts";
import { parseRelabelConfigs } from "../../lib/relabel/parse_relabel_configs.ts";
import type { RelabelRule } from "../../lib/relabel/types.ts";
import type { Label } from "../../lib/util/series.ts";
import { initXXHash64, xxhash64 } from "../../lib/util/xxhash64.ts";
import { formatLabels, formatSorted, parseLabels } from "./_labels.ts";

await initXXHash64();

interface Case {
  name: string;
  config: unknown;
  input: string;
  want: string;
  finalize?: boolean;
}

const cases = parse(
  await Deno.readTextFile(new URL("../testdata/relabel/apply_cases.yaml", import.meta.url)),
) as Case[];

for (const c of cases) {
  Deno.test(`applyRelabeling() as vmagent: ${c.name}`, () => {
    let got = applyRelabeling(parseRelabelConfigs(c.config), parseLabels(c.input));
    if (c.finalize) got = got.filter((l) => !l.name.startsWith("__") || l.name === "__name__");
    equal(formatSorted(got), c.want);
  });
}

/** Applies rules written as YAML to labels written as {a="b"}; returns them in their actual order. */
function run(config: string, input: string | Label[]): string {
  const labels = typeof input === "string" ? parseLabels(input) : input;
  return formatLabels(applyRelabeling(parseRelabelConfigs(parse(config)), labels));
}

Deno.test("applyRelabeling() keeps modified labels in place and appends created ones", () => {
  const f = (config: string, input: string, want: string) =>
    equal(run(config, input), want, config);
  // Created labels go to the end, in the order the rules create them.
  f(
    `
- {target_label: env, replacement: prod}
- {action: hashmod, source_labels: [job], target_label: __tmp_shard, modulus: 2}
- {action: labelmap, regex: "__meta_(.+)"}
- {action: uppercase, source_labels: [job], target_label: JOB}`,
    '{__meta_zone="z1",job="node",__address__="a:1"}',
    '{__meta_zone="z1",job="node",__address__="a:1",env="prod",__tmp_shard="0",zone="z1",JOB="NODE"}',
  );
  // A modified label keeps its position; nothing is sorted.
  f("- {target_label: b, replacement: x}", '{c="1",b="2",a="3"}', '{c="1",b="x",a="3"}');
  // Set to "" and set again: the label never left its place.
  f(
    "- {target_label: a, replacement: ''}\n- {target_label: a, replacement: x}",
    '{a="1",b="2"}',
    '{a="x",b="2"}',
  );
  // Empty values are removed only at the end.
  f("- {target_label: a, replacement: ''}", '{a="1",b="2"}', '{b="2"}');
  // labelmap_all renames in place; labelmap copies to the end in label order.
  f(
    '- {action: labelmap_all, regex: "-", replacement: "_"}',
    '{x="0",a-b="1",c="2"}',
    '{x="0",a_b="1",c="2"}',
  );
  f(
    '- {action: labelmap, regex: "(.)_(.)", replacement: "$2$1"}',
    '{a_b="1",x="0",c_d="2"}',
    '{a_b="1",x="0",c_d="2",ba="1",dc="2"}',
  );
  // labelmap onto an existing label sets it in place.
  f(
    '- {action: labelmap, regex: "__meta_(.+)"}',
    '{zone="old",__meta_zone="new"}',
    '{zone="new",__meta_zone="new"}',
  );
  // graphite labels are set in the order written.
  f(
    '- {action: graphite, match: "*.*", labels: {z: "$2", __name__: "$1", a: "$0"}}',
    'app.req{q="1"}',
    '{__name__="app",q="1",z="req",a="app.req"}',
  );
  // A target_label that expands to "" creates an empty-named label, removed at the end.
  f(
    '- {source_labels: [a], regex: "(x)?.*", target_label: "$1", replacement: v}',
    '{a="y"}',
    '{a="y"}',
  );
});

Deno.test("applyRelabeling() gives the sharding key of vmagent HEAD's worked example", () => {
  const labels = parseLabels(
    '{__address__="10.0.0.1:9100",__metrics_path__="/metrics",__scheme__="http",' +
      '__scrape_interval__="1m0s",__scrape_timeout__="10s",job="node"}',
  );
  const out = applyRelabeling(
    parseRelabelConfigs([{ target_label: "env", replacement: "prod" }]),
    labels,
  );
  const key = out.map((l) => `${l.name}=${l.value},`).join("");
  equal(
    key,
    "__address__=10.0.0.1:9100,__metrics_path__=/metrics,__scheme__=http,__scrape_interval__=1m0s," +
      "__scrape_timeout__=10s,job=node,env=prod,",
  );
  equal(xxhash64(key), 0x0f0c63a5ec2791c7n);
});

Deno.test("applyRelabeling() computes hashmod as xxhash64 mod modulus", () => {
  const f = (value: string, modulus: number | bigint, want: string) => {
    const rules = parseRelabelConfigs([
      { action: "hashmod", source_labels: ["a"], target_label: "h", modulus },
    ]);
    equal(
      formatLabels(applyRelabeling(rules, [{ name: "a", value }])),
      `{a=${JSON.stringify(value)},h="${want}"}`,
    );
  };
  f("foo", 2, "1");
  f("baz", 2, "0");
  f("abc", 3, "0");
  f("bar", 3, "1");
  f("foo", 3, "2");
  f("yyy", 123, "73");
  f("abc", 0xffffffffffffffffn, "4952883123889572249");
  // xxhash64("") is 0xef46db3751d8e999; Go prints int(h), negative past 2^63.
  const rules = parseRelabelConfigs([
    { action: "hashmod", source_labels: ["x"], target_label: "h", modulus: 0xffffffffffffffffn },
  ]);
  equal(formatLabels(applyRelabeling(rules, [])), '{h="-1205034819632174695"}');
  // Several sources are joined with the separator first.
  equal(
    xxhash64("a;b") % 7n,
    BigInt(
      run(
        "- {action: hashmod, source_labels: [x, y], target_label: h, modulus: 7}",
        '{x="a",y="b"}',
      ).match(/h="(\d+)"/)![1],
    ),
  );
});

Deno.test("applyRelabeling() treats a newline as vmagent's two regex forms do", () => {
  const f = (config: string, input: Label[], want: string) =>
    equal(run(config, input), want, config);
  const v = (value: string): Label[] => [{ name: "a", value }];
  // The match check has (?s) but the capture regex has not: vmagent then stores the source itself.
  f(
    '- {source_labels: [a], regex: "x(.*)", target_label: b, replacement: "y$1"}',
    v("x\nz"),
    '{a="x\\nz",b="x\\nz"}',
  );
  f(
    '- {source_labels: [a], regex: "x(.*)", target_label: b, replacement: "y$1"}',
    v("xz"),
    '{a="xz",b="yz"}',
  );
  f(
    '- {source_labels: [a], target_label: b, replacement: "$1!"}',
    v("x\nz"),
    '{a="x\\nz",b="x\\nz"}',
  );
  f("- {source_labels: [a], target_label: b}", v("x\nz"), '{a="x\\nz",b="x\\nz"}');
  f('- {action: keep, source_labels: [a], regex: "x.*"}', v("x\nz"), '{a="x\\nz"}');
  f('- {action: drop, source_labels: [a], regex: "x.z"}', v("x\nz"), "{}");
  // labelmap's prefix(.*) shortcut copies any rest.
  f('- {action: labelmap, regex: "x(.*)"}', [{ name: "x\ny", value: "1" }], '{x\ny="1",\ny="1"}');
  f('- {action: labelmap, regex: "x(.*)z"}', [{ name: "x\nz", value: "1" }], '{x\nz="1"}');
});

Deno.test("applyRelabeling() expands label references before the regex", () => {
  const f = (config: string, input: string, want: string) =>
    equal(run(config, input), want, config);
  f('- {target_label: t, replacement: "{{a}}-{{missing}}-{{b"}', '{a="1"}', '{a="1",t="1--{{b"}');
  // A reference that yields "$1" takes the copy shortcut, as in vmagent.
  f(
    '- {source_labels: [b], target_label: t, replacement: "{{a}}"}',
    '{a="$1",b="x"}',
    '{a="$1",b="x",t="x"}',
  );
  // With a regex, the filled template is expanded against the match.
  f(
    '- {source_labels: [b], regex: "(.)(.)", target_label: t, replacement: "{{a}}$2"}',
    '{a="$1",b="xy"}',
    '{a="$1",b="xy",t="xy"}',
  );
});

Deno.test("applyRelabeling() stops at a drop and returns an empty array", () => {
  const rules = parseRelabelConfigs([
    { action: "drop", source_labels: ["a"], regex: "1" },
    { target_label: "b", replacement: "x" },
  ]);
  deepEqual(applyRelabeling(rules, [{ name: "a", value: "1" }]), []);
  deepEqual(applyRelabeling(rules, [{ name: "a", value: "2" }]), [
    { name: "a", value: "2" },
    { name: "b", value: "x" },
  ]);
  // As in vmagent, an empty list is checked after each rule: it stops after the first one ...
  deepEqual(applyRelabeling(rules, []), []);
  // ... unless that rule created a label.
  deepEqual(applyRelabeling(parseRelabelConfigs([{ target_label: "b", replacement: "x" }]), []), [
    { name: "b", value: "x" },
  ]);
  deepEqual(applyRelabeling([], []), []);
});

Deno.test("applyRelabeling() reuses the array but never mutates label objects", () => {
  const rules = parseRelabelConfigs([
    { target_label: "a", replacement: "changed" },
    { action: "labelmap_all", regex: "b", replacement: "B" },
  ]);
  const a = { name: "a", value: "1" };
  const b = { name: "b", value: "2" };
  const input = [a, b];
  const out = applyRelabeling(rules, input);
  equal(out, input);
  deepEqual(out, [{ name: "a", value: "changed" }, { name: "B", value: "2" }]);
  deepEqual([a, b], [{ name: "a", value: "1" }, { name: "b", value: "2" }]);
});

Deno.test("applyRelabeling() refuses rules not built by parseRelabelConfigs", () => {
  const fake: RelabelRule = { action: "drop", source: {} };
  throws(() => applyRelabeling([fake], []), TypeError);
});
