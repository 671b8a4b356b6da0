/**
 * `kubernetes_sd_configs`: roles pod, endpoints, endpointslice, service, node and ingress,
 * with the `__meta_kubernetes_*` labels Prometheus and vmagent produce.
 *
 * @example
 * ```ts
 * import { createKubernetesDiscoverer } from "./mod.ts";
 * const d = createKubernetesDiscoverer({
 *   role: "node",
 *   namespaces: { ownNamespace: false, names: [] },
 *   selectors: [],
 *   attachMetadata: { node: false, namespace: false },
 *   http: { headers: [], followRedirects: true },
 * });
 * d.type; // "kubernetes_sd_configs"
 * ```
 *
 * @module
 */
export { createKubernetesDiscoverer, type KubernetesDiscovererOptions } from "./discoverer.ts";
export { WatcherRegistry } from "./watcher_registry.ts";
export { targetLabels } from "./target_labels.ts";
export { parseObject, parseObjectList } from "./parse_objects.ts";
export type { MappingContext } from "./mapping_context.ts";
