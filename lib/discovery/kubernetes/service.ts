/**
 * `role: service`: one target per service port, address `<name>.<namespace>.svc:<port>`.
 * Also the service labels endpoints and endpointslice targets reuse.
 *
 * @module
 */
import type { MappingContext } from "./mapping_context.ts";
import { appendObjectMetaLabels, joinHostPort, type LabelPairs } from "./meta_labels.ts";
import type { Service } from "./objects.ts";

/**
 * Appends the namespace, `__meta_kubernetes_service_{name,type}`, the cluster IP (or the
 * external name for `ExternalName` services), namespace metadata when attached, and the
 * service's labels and annotations.
 *
 * @example
 * ```ts
 * const svc = parseService({
 *   metadata: { name: "db", namespace: "prod" },
 *   spec: { type: "ClusterIP", clusterIP: "10.96.0.7" },
 * });
 * const m: LabelPairs = [];
 * appendServiceCommonLabels(m, svc, EMPTY_CONTEXT);
 * // m: [["__meta_kubernetes_namespace", "prod"], ["__meta_kubernetes_service_name", "db"],
 * //     ["__meta_kubernetes_service_type", "ClusterIP"],
 * //     ["__meta_kubernetes_service_cluster_ip", "10.96.0.7"]]
 * ```
 */
export function appendServiceCommonLabels(dst: LabelPairs, s: Service, ctx: MappingContext): void {
  dst.push(
    ["__meta_kubernetes_namespace", s.metadata.namespace],
    ["__meta_kubernetes_service_name", s.metadata.name],
    ["__meta_kubernetes_service_type", s.spec.type],
  );
  if (s.spec.type !== "ExternalName") {
    dst.push(["__meta_kubernetes_service_cluster_ip", s.spec.clusterIP]);
  } else {
    dst.push(["__meta_kubernetes_service_external_name", s.spec.externalName]);
  }
  if (ctx.attachNamespaceMetadata) {
    const ns = ctx.namespace(s.metadata.namespace);
    if (ns !== undefined) appendObjectMetaLabels(dst, "__meta_kubernetes_namespace", ns.metadata);
  }
  appendObjectMetaLabels(dst, "__meta_kubernetes_service", s.metadata);
}

/**
 * Returns the label sets of the targets of a service, `__address__` first.
 *
 * @example
 * ```ts
 * import { EMPTY_CONTEXT } from "./mapping_context.ts";
 * import { parseService } from "./parse_objects.ts";
 * const svc = parseService({
 *   metadata: { name: "db", namespace: "prod" },
 *   spec: { type: "ClusterIP", clusterIP: "10.96.0.7", ports: [{ name: "sql", port: 5432 }] },
 * });
 * serviceTargetLabels(svc, EMPTY_CONTEXT)[0][0]; // ["__address__", "db.prod.svc:5432"]
 * ```
 */
export function serviceTargetLabels(s: Service, ctx: MappingContext): LabelPairs[] {
  const host = `${s.metadata.name}.${s.metadata.namespace}.svc`;
  const out: LabelPairs[] = [];
  for (const sp of s.spec.ports) {
    const m: LabelPairs = [
      ["__address__", joinHostPort(host, sp.port)],
      ["__meta_kubernetes_service_port_name", sp.name],
      ["__meta_kubernetes_service_port_number", String(sp.port)],
      ["__meta_kubernetes_service_port_protocol", sp.protocol],
    ];
    appendServiceCommonLabels(m, s, ctx);
    out.push(m);
  }
  return out;
}
