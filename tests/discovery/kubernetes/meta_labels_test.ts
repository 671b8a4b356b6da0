import assert from "node:assert/strict";
import {
  appendObjectMetaLabels,
  joinHostPort,
  type LabelPairs,
  removeDuplicateLabels,
  sanitizeLabelName,
} from "../../../lib/discovery/kubernetes/meta_labels.ts";
import { parseNamespace } from "../../../lib/discovery/kubernetes/parse_objects.ts";

Deno.test("sanitizeLabelName() replaces each invalid character with an underscore", () => {
  const f = (name: string, want: string) => assert.equal(sanitizeLabelName(name), want);
  f("", "");
  f("foo", "foo");
  f("foo-bar/baz", "foo_bar_baz");
  f("app.kubernetes.io/name", "app_kubernetes_io_name");
  // One underscore per code point, also outside the BMP (Go's regexp works on runes).
  f("café", "caf_");
  f("a😀b", "a_b");
  f("Ünïcode", "_n_code");
});

Deno.test("joinHostPort() brackets IPv6 hosts", () => {
  const f = (host: string, port: number, want: string) =>
    assert.equal(joinHostPort(host, port), want);
  f("foo", 123, "foo:123");
  f("1:32::43", 80, "[1:32::43]:80");
  f("10.0.0.1", 0, "10.0.0.1:0");
});

Deno.test("removeDuplicateLabels() sorts by name and keeps the last duplicate", () => {
  const f = (labels: LabelPairs, want: LabelPairs) =>
    assert.deepEqual(removeDuplicateLabels(labels), want);
  f([], []);
  f([["b", "1"], ["a", "2"]], [["a", "2"], ["b", "1"]]);
  f([["b", "1"], ["a", "2"], ["b", "3"], ["a", "4"], ["c", "5"]], [["a", "4"], ["b", "3"], [
    "c",
    "5",
  ]]);
});

Deno.test("appendObjectMetaLabels() adds labels, then annotations, each with a present label", () => {
  const ns = parseNamespace({
    metadata: { name: "n", labels: { "z.io/b": "2", a: "" }, annotations: { "x/y": "v" } },
  });
  const got: LabelPairs = [];
  appendObjectMetaLabels(got, "__meta_kubernetes_namespace", ns.metadata);
  assert.deepEqual(got, [
    ["__meta_kubernetes_namespace_label_a", ""],
    ["__meta_kubernetes_namespace_labelpresent_a", "true"],
    ["__meta_kubernetes_namespace_label_z_io_b", "2"],
    ["__meta_kubernetes_namespace_labelpresent_z_io_b", "true"],
    ["__meta_kubernetes_namespace_annotation_x_y", "v"],
    ["__meta_kubernetes_namespace_annotationpresent_x_y", "true"],
  ]);
});
