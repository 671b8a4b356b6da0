import { deepEqual, equal, throws } from "node:assert/strict";
import { parseRelabelConfigs } from "../../lib/relabel/parse_relabel_configs.ts";
import { FieldError, type FieldPath } from "../../lib/util/field_error.ts";

const ACTION_LIST = "replace, replace_all, keep_if_contains, drop_if_contains, keep_if_equal, " +
  "drop_if_equal, keepequal, dropequal, keep, drop, keep_metrics, drop_metrics, hashmod, labelmap, " +
  "labelmap_all, labeldrop, labelkeep, uppercase, lowercase, graphite";

function fails(raw: unknown, path: FieldPath, reason: string): void {
  throws(() => parseRelabelConfigs(raw), (e: unknown) => {
    equal(e instanceof FieldError, true, String(e));
    deepEqual((e as FieldError).path, path, reason);
    equal((e as FieldError).reason, reason);
    return true;
  });
}

Deno.test("parseRelabelConfigs() returns no rules for null and undefined", () => {
  deepEqual(parseRelabelConfigs(null), []);
  deepEqual(parseRelabelConfigs(undefined), []);
  deepEqual(parseRelabelConfigs([]), []);
});

Deno.test("parseRelabelConfigs() reports type errors with their path", () => {
  const f = fails;
  f("x", [], "must be a list of relabeling rules; got a string");
  f({ a: 1 }, [], "must be a list of relabeling rules; got a mapping");
  f(["x"], [0], "must be a mapping with a relabeling rule; got a string");
  f([[]], [0], "must be a mapping with a relabeling rule; got a list");
  f([{ regex: { a: 1 } }], [0, "regex"], "must be a string or a list of strings; got a mapping");
  f(
    [{ regex: ["a", { b: 1 }] }],
    [0, "regex", 1],
    "must be a string or a list of strings; got a mapping",
  );
  f([{ source_labels: "foo" }], [0, "source_labels"], "must be a list of strings; got a string");
  f([{ source_labels: ["a", {}] }], [0, "source_labels", 1], "must be a string; got a mapping");
  f([{ target_label: [] }], [0, "target_label"], "must be a string; got a list");
  f([{ separator: {} }], [0, "separator"], "must be a string; got a mapping");
  f([{ replacement: [] }], [0, "replacement"], "must be a string; got a list");
  f([{ action: {} }], [0, "action"], "must be a string; got a mapping");
  f([{ modulus: -1 }], [0, "modulus"], "must be a non-negative integer; got -1");
  f([{ modulus: 1.5 }], [0, "modulus"], "must be a non-negative integer; got 1.5");
  f([{ modulus: "5" }], [0, "modulus"], "must be a non-negative integer; got 5");
  f([{ labels: "x" }], [0, "labels"], "must be a mapping of label names to values; got a string");
  f([{ labels: { a: [] } }], [0, "labels", "a"], "must be a string; got a list");
  f([{ if: 123 }], [0, "if"], "must be a series selector or a list of them; got a number");
  f([{ if: ["a", 1] }], [0, "if", 1], "must be a series selector string; got a number");
});

Deno.test("parseRelabelConfigs() reports bad regexes with vmagent's wrapping of Go's text", () => {
  const f = (regex: unknown, action: string | undefined, form: string, goError: string) =>
    fails(
      [{ source_labels: ["a"], target_label: "b", regex, action }],
      [0, "regex"],
      `cannot parse \`regex\` ${JSON.stringify(form)}: error parsing regexp: ${goError}`,
    );
  // The anchored form fails first, and Go shows the part of it that is wrong.
  f("(", undefined, "^(?:()$", "missing closing ): `^(?:()$`");
  f(["a", "("], undefined, "^(?:a|()$", "missing closing ): `^(?:a|()$`");
  f("^(a$", "keep", "^(?:(a)$", "missing closing ): `^(?:(a)$`");
  f("foo[bar", undefined, "^(?:foo[bar)$", "missing closing ]: `[bar)$`");
  f("a)", undefined, "^(?:a))$", "unexpected ): `^(?:a))$`");
  f("\\Qa", undefined, "^(?:\\Qa)$", "missing closing ): `^(?:\\Qa)$`");
  f("(?=x)", undefined, "^(?:(?=x))$", "invalid or unsupported Perl syntax: `(?=`");
  f("(?<!x)y", "drop", "^(?:(?<!x)y)$", "invalid named capture: `(?<!x)y)$`");
  f("a\\1", undefined, "^(?:a\\1)$", "invalid escape sequence: `\\1`");
  f("a**", undefined, "^(?:a**)$", "invalid nested repetition operator: `**`");
  f("[z-a]", undefined, "^(?:[z-a])$", "invalid character class range: `z-a`");
  f("\\pQ", undefined, "^(?:\\pQ)$", "invalid character class range: `\\pQ`");
  f("a{1001}", undefined, "^(?:a{1001})$", "invalid repeat count: `{1001}`");
  f("*", undefined, "^(?:*)$", "missing argument to repetition operator: `*`");
  // A trailing backslash escapes the anchored form's `)`.
  f("\\", undefined, "^(?:\\)$", "missing closing ): `^(?:\\)$`");
  // The anchored form hides unbalanced parens; the bare regex then fails.
  f("a)|(b", undefined, "a)|(b", "unexpected ): `a)|(b`");
  // replace_all and labelmap_all are not anchored (the action compared case-sensitively).
  f("(", "replace_all", "(", "missing closing ): `(`");
  f("a\\", "labelmap_all", "a\\", "trailing backslash at end of expression: ``");
  f("(", "Replace_All", "^(?:()$", "missing closing ): `^(?:()$`");
});

Deno.test("parseRelabelConfigs() reports bad `if` selectors with MetricsQL's regex text", () => {
  const ok = { source_labels: ["a"], target_label: "b" };
  fails(
    [{ ...ok, if: "foo{" }],
    [0, "if"],
    'cannot parse series selector "foo{": expecting a label name at end of input',
  );
  fails(
    [{ ...ok, if: ["foo", 'x{a=~"("}'] }],
    [0, "if", 1],
    'cannot parse series selector "x{a=~\\"(\\"}": invalid regexp in a="(": ' +
      "error parsing regexp: missing closing ): `^(?:()$`",
  );
});

Deno.test("parseRelabelConfigs() checks the fields each action needs", () => {
  const f = (rule: Record<string, unknown>, path: FieldPath, reason: string) =>
    fails([rule], path, reason);
  f({}, [0], "missing `target_label` for `action=replace`");
  f({ target_label: "" }, [0, "target_label"], "missing `target_label` for `action=replace`");
  f({ action: "foo" }, [0, "action"], `unknown \`action\` "foo"; want one of ${ACTION_LIST}`);
  f({ action: "Foo" }, [0, "action"], `unknown \`action\` "foo"; want one of ${ACTION_LIST}`);
  f(
    { action: "replace_all", target_label: "x" },
    [0],
    "missing `source_labels` for `action=replace_all`",
  );
  f(
    { action: "replace_all", source_labels: ["a"] },
    [0],
    "missing `target_label` for `action=replace_all`",
  );
  f(
    { action: "keep_if_contains", source_labels: ["a"] },
    [0],
    "`target_label` must be set for `action=keep_if_contains`",
  );
  f(
    { action: "drop_if_contains", target_label: "a" },
    [0],
    "`source_labels` must contain at least a single entry for `action=drop_if_contains`",
  );
  f({ action: "keep_if_contains", target_label: "a", source_labels: ["b"], regex: "x" }, [
    0,
    "regex",
  ], "`regex` cannot be used for `action=keep_if_contains`");
  f(
    { action: "keep_if_equal", source_labels: ["a"] },
    [0, "source_labels"],
    '`source_labels` must contain at least two entries for `action=keep_if_equal`; got ["a"]',
  );
  f(
    { action: "drop_if_equal" },
    [0],
    "`source_labels` must contain at least two entries for `action=drop_if_equal`; got []",
  );
  f(
    { action: "keep_if_equal", source_labels: ["a", "b"], target_label: "c" },
    [0, "target_label"],
    "`target_label` cannot be used for `action=keep_if_equal`",
  );
  f(
    { action: "drop_if_equal", source_labels: ["a", "b"], regex: ".*" },
    [0, "regex"],
    "`regex` cannot be used for `action=drop_if_equal`",
  );
  f(
    { action: "keepequal", source_labels: ["a"] },
    [0],
    "missing `target_label` for `action=keepequal`",
  );
  f(
    { action: "dropequal", target_label: "a", regex: "x" },
    [0, "regex"],
    "`regex` cannot be used for `action=dropequal`",
  );
  f({ action: "keep" }, [0], "missing `source_labels` for `action=keep`");
  f(
    { action: "drop", source_labels: [] },
    [0, "source_labels"],
    "missing `source_labels` for `action=drop`",
  );
  f(
    { action: "hashmod", target_label: "a", modulus: 2 },
    [0],
    "missing `source_labels` for `action=hashmod`",
  );
  f(
    { action: "hashmod", source_labels: ["a"], modulus: 2 },
    [0],
    "missing `target_label` for `action=hashmod`",
  );
  f(
    { action: "hashmod", source_labels: ["a"], target_label: "b" },
    [0],
    "unexpected `modulus` for `action=hashmod`: 0; must be greater than 0",
  );
  f(
    { action: "hashmod", source_labels: ["a"], target_label: "b", modulus: 0 },
    [0, "modulus"],
    "unexpected `modulus` for `action=hashmod`: 0; must be greater than 0",
  );
  f({ action: "keep_metrics" }, [0], "`regex` must be non-empty for `action=keep_metrics`");
  f(
    { action: "drop_metrics", regex: "" },
    [0, "regex"],
    "`regex` must be non-empty for `action=drop_metrics`",
  );
  f(
    { action: "keep_metrics", regex: "a", source_labels: ["b"] },
    [0, "source_labels"],
    '`source_labels` must be empty for `action=keep_metrics`; got ["b"]',
  );
  f(
    { action: "uppercase", target_label: "a" },
    [0],
    "missing `source_labels` for `action=uppercase`",
  );
  f(
    { action: "lowercase", source_labels: ["a"] },
    [0],
    "missing `target_label` for `action=lowercase`",
  );
  f({ action: "graphite", labels: { a: "b" } }, [0], "missing `match` for `action=graphite`");
  f({ action: "graphite", match: "a.*" }, [0], "missing `labels` for `action=graphite`");
  f(
    { action: "graphite", match: "a.*", labels: {} },
    [0, "labels"],
    "missing `labels` for `action=graphite`",
  );
  f({ action: "graphite", match: "a.*", labels: { a: "b" }, source_labels: ["x"] }, [
    0,
    "source_labels",
  ], "`source_labels` cannot be used with `action=graphite`");
  f({ action: "graphite", match: "a.*", labels: { a: "b" }, target_label: "x" }, [
    0,
    "target_label",
  ], "`target_label` cannot be used with `action=graphite`");
  f(
    { action: "graphite", match: "a.*", labels: { a: "b" }, replacement: "x" },
    [0, "replacement"],
    "`replacement` cannot be used with `action=graphite`",
  );
  f(
    { action: "graphite", match: "a.*", labels: { a: "b" }, regex: "x" },
    [0, "regex"],
    "`regex` cannot be used with `action=graphite`",
  );
  f(
    { action: "labeldrop", match: "a.*" },
    [0, "match"],
    "`match` config cannot be applied to `action=labeldrop`; it is applied only to `action=graphite`",
  );
  f(
    { target_label: "a", labels: { a: "b" } },
    [0, "labels"],
    "`labels` config cannot be applied to `action=replace`; it is applied only to `action=graphite`",
  );
});

Deno.test("parseRelabelConfigs() accepts every action in its valid form", () => {
  const rules = parseRelabelConfigs([
    { target_label: "a", replacement: "b" },
    { action: "REPLACE", source_labels: ["a"], target_label: "b" },
    {
      action: "replace_all",
      source_labels: ["a"],
      target_label: "b",
      regex: "-",
      replacement: "_",
    },
    { action: "keep_if_contains", source_labels: ["a"], target_label: "b" },
    { action: "drop_if_contains", source_labels: ["a"], target_label: "b" },
    { action: "keep_if_equal", source_labels: ["a", "b"] },
    { action: "drop_if_equal", source_labels: ["a", "b"] },
    { action: "keepequal", source_labels: ["a"], target_label: "b" },
    { action: "dropequal", source_labels: ["a"], target_label: "b" },
    { action: "keep", source_labels: ["a"], regex: "x" },
    { action: "keep", if: "foo" },
    { action: "keep", if: [] },
    { action: "drop", if: ["foo", '{a="b"}'] },
    { action: "keep_metrics", regex: ["a", "b"] },
    { action: "drop_metrics", if: "foo" },
    { action: "hashmod", source_labels: ["a"], target_label: "b", modulus: 10 },
    { action: "labelmap", regex: "__meta_(.+)" },
    { action: "labelmap_all", regex: "-", replacement: "_" },
    { action: "labeldrop", regex: "x" },
    { action: "labelkeep", regex: "x" },
    { action: "uppercase", source_labels: ["a"], target_label: "b" },
    { action: "lowercase", source_labels: ["a"], target_label: "b" },
    { action: "graphite", match: "*.x", labels: { job: "$1" } },
    { target_label: "a", regex: null, replacement: null, separator: null },
  ]);
  deepEqual(rules.map((r) => r.action), [
    "replace",
    "replace",
    "replace_all",
    "keep_if_contains",
    "drop_if_contains",
    "keep_if_equal",
    "drop_if_equal",
    "keepequal",
    "dropequal",
    "keep",
    "keep",
    "keep",
    "drop",
    "keep_metrics",
    "drop_metrics",
    "hashmod",
    "labelmap",
    "labelmap_all",
    "labeldrop",
    "labelkeep",
    "uppercase",
    "lowercase",
    "graphite",
    "replace",
  ]);
});

Deno.test("parseRelabelConfigs() keeps the rule as written in RelabelRule.source", () => {
  const [a, b, c] = parseRelabelConfigs([
    { action: "Keep", source_labels: ["x", 1, true], regex: ["a", 2, null, 1.5] },
    { if: ["foo"], target_label: "t", separator: ":", replacement: "" },
    { action: "graphite", match: "a.*", labels: { job: "$1", n: 5 } },
  ]);
  deepEqual(a.source, {
    action: "Keep",
    source_labels: ["x", "1", "true"],
    regex: ["a", "2", "null", "1.5"],
  });
  deepEqual(b.source, { if: ["foo"], target_label: "t", separator: ":", replacement: "" });
  deepEqual(c.source, { action: "graphite", match: "a.*", labels: { job: "$1", n: "5" } });
});
