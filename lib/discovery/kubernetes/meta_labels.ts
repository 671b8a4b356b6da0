/**
 * Building blocks of `__meta_kubernetes_*` label sets shared by every role: label-name
 * sanitizing, `host:port` joining, object labels and annotations, duplicate removal.
 *
 * @module
 */
import type { ObjectMeta } from "./objects.ts";

/** A label set under construction: `[name, value]` pairs in the order they were added. */
export type LabelPairs = [string, string][];

const INVALID_LABEL_CHARS = /[^a-zA-Z0-9_]/gu;
const sanitized = new Map<string, string>();
const SANITIZED_CACHE_MAX = 100_000;

/**
 * Replaces every character (code point) that is not `[a-zA-Z0-9_]` with `_`, as Prometheus and
 * vmagent do for label names built from Kubernetes label, annotation and topology keys.
 *
 * @example
 * ```ts
 * sanitizeLabelName("__meta_kubernetes_pod_label_app.kubernetes.io/name");
 * // "__meta_kubernetes_pod_label_app_kubernetes_io_name"
 * ```
 */
export function sanitizeLabelName(name: string): string {
  let s = sanitized.get(name);
  if (s === undefined) {
    s = name.replace(INVALID_LABEL_CHARS, "_");
    if (sanitized.size >= SANITIZED_CACHE_MAX) sanitized.clear();
    sanitized.set(name, s);
  }
  return s;
}

/**
 * Tells whether `host` is an IPv6 address, i.e. contains a colon (vmagent's test).
 *
 * @example
 * ```ts
 * isIPv6Host("fd01::1"); // true
 * isIPv6Host("10.0.0.1"); // false
 * ```
 */
export function isIPv6Host(host: string): boolean {
  return host.includes(":");
}

/**
 * Joins a host and a port; IPv6 hosts are put in brackets.
 *
 * @example
 * ```ts
 * joinHostPort("10.0.0.1", 80); // "10.0.0.1:80"
 * joinHostPort("fd01::1", 80); // "[fd01::1]:80"
 * ```
 */
export function joinHostPort(host: string, port: number): string {
  return isIPv6Host(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Appends `<prefix>_label_<name>`, `<prefix>_labelpresent_<name>`, `<prefix>_annotation_<name>`
 * and `<prefix>_annotationpresent_<name>` for every label and annotation of `meta`, names
 * sanitized, labels first, each in the order of `meta` (name order, as parsed).
 *
 * @example
 * ```ts
 * const m: LabelPairs = [];
 * appendObjectMetaLabels(m, "__meta_kubernetes_pod", pod.metadata); // pod labels { app: "web" }
 * // m: [["__meta_kubernetes_pod_label_app", "web"], ["__meta_kubernetes_pod_labelpresent_app", "true"]]
 * ```
 */
export function appendObjectMetaLabels(dst: LabelPairs, prefix: string, meta: ObjectMeta): void {
  for (const [name, value] of meta.labels) {
    dst.push([sanitizeLabelName(`${prefix}_label_${name}`), value]);
    dst.push([sanitizeLabelName(`${prefix}_labelpresent_${name}`), "true"]);
  }
  for (const [name, value] of meta.annotations) {
    dst.push([sanitizeLabelName(`${prefix}_annotation_${name}`), value]);
    dst.push([sanitizeLabelName(`${prefix}_annotationpresent_${name}`), "true"]);
  }
}

/**
 * Sorts labels by name (stable) and keeps the last of equal names, in place, as vmagent's
 * `Labels.RemoveDuplicates` does for endpoints and endpointslice targets. Returns `labels`.
 *
 * @example
 * ```ts
 * removeDuplicateLabels([["b", "1"], ["a", "2"], ["b", "3"]]); // [["a", "2"], ["b", "3"]]
 * ```
 */
export function removeDuplicateLabels(labels: LabelPairs): LabelPairs {
  if (labels.length < 2) return labels;
  // Array.prototype.sort is stable, so equal names keep their insertion order.
  labels.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let n = 1;
  for (let i = 1; i < labels.length; i++) {
    if (labels[i][0] === labels[n - 1][0]) labels[n - 1] = labels[i];
    else labels[n++] = labels[i];
  }
  labels.length = n;
  return labels;
}

/**
 * Returns the value of the first label called `name`, or "" (vmagent's `Labels.Get`).
 *
 * @example
 * ```ts
 * getPairValue([["a", "1"], ["a", "2"]], "a"); // "1"
 * getPairValue([], "a"); // ""
 * ```
 */
export function getPairValue(pairs: readonly [string, string][], name: string): string {
  for (const [n, v] of pairs) if (n === name) return v;
  return "";
}
