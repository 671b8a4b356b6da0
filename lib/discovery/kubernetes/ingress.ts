/**
 * `role: ingress`: one target per rule path (`/` when a rule has no paths), address = the
 * rule host, scheme `https` when a TLS entry covers the host (exactly or by `*.` wildcard).
 *
 * @module
 */
import type { MappingContext } from "./mapping_context.ts";
import { appendObjectMetaLabels, type LabelPairs } from "./meta_labels.ts";
import type { Ingress } from "./objects.ts";

/**
 * True when TLS host `pattern` covers `host`: equal, or `*.rest` where `host` minus its first
 * label equals `rest`.
 *
 * @example
 * ```ts
 * matchesHostPattern("*.example.com", "api.example.com"); // true
 * matchesHostPattern("*.example.com", "a.b.example.com"); // false: the wildcard covers one label
 * matchesHostPattern("*.example.com", "example.com"); // false
 * ```
 */
export function matchesHostPattern(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  if (!pattern.startsWith("*.")) return false;
  const n = host.indexOf(".");
  if (n < 0) return false;
  return pattern.slice(2) === host.slice(n + 1);
}

function schemeForHost(host: string, ig: Ingress): string {
  for (const tls of ig.spec.tls) {
    for (const pattern of tls.hosts) if (matchesHostPattern(pattern, host)) return "https";
  }
  return "http";
}

/**
 * Returns the label sets of an ingress's targets, `__address__` first.
 *
 * @example
 * ```ts
 * import { EMPTY_CONTEXT } from "./mapping_context.ts";
 * import { parseIngress } from "./parse_objects.ts";
 * const ig = parseIngress({
 *   metadata: { name: "web", namespace: "default" },
 *   spec: { rules: [{ host: "example.com" }] },
 * });
 * ingressTargetLabels(ig, EMPTY_CONTEXT)[0][0]; // ["__address__", "example.com"]
 * ```
 */
export function ingressTargetLabels(ig: Ingress, ctx: MappingContext): LabelPairs[] {
  const out: LabelPairs[] = [];
  for (const rule of ig.spec.rules) {
    const paths = rule.paths.length === 0 ? ["/"] : rule.paths.map((p) => (p === "" ? "/" : p));
    const scheme = schemeForHost(rule.host, ig);
    for (const path of paths) {
      const m: LabelPairs = [
        ["__address__", rule.host],
        ["__meta_kubernetes_namespace", ig.metadata.namespace],
        ["__meta_kubernetes_ingress_name", ig.metadata.name],
        ["__meta_kubernetes_ingress_scheme", scheme],
        ["__meta_kubernetes_ingress_host", rule.host],
        ["__meta_kubernetes_ingress_path", path],
        ["__meta_kubernetes_ingress_class_name", ig.spec.ingressClassName],
      ];
      if (ctx.attachNamespaceMetadata) {
        const ns = ctx.namespace(ig.metadata.namespace);
        if (ns !== undefined) appendObjectMetaLabels(m, "__meta_kubernetes_namespace", ns.metadata);
      }
      appendObjectMetaLabels(m, "__meta_kubernetes_ingress", ig.metadata);
      out.push(m);
    }
  }
  return out;
}
