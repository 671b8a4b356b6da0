/**
 * What the pure mapping functions may look up besides the object they map: the other
 * objects the watcher keeps (pods and services for endpoints, nodes and namespaces for
 * `attach_metadata`) and the `attach_metadata` switches.
 *
 * @module
 */
import type { Namespace, Node, Pod, Service } from "./objects.ts";

/** Lookups and switches for the mapping functions. */
export interface MappingContext {
  /** `attach_metadata.node`: add `__meta_kubernetes_node_*` to pod-backed targets. */
  attachNodeMetadata: boolean;
  /** `attach_metadata.namespace`: add `__meta_kubernetes_namespace_*` labels. */
  attachNamespaceMetadata: boolean;
  /** The pod `namespace/name`, when watched. */
  pod(namespace: string, name: string): Pod | undefined;
  /** The service `namespace/name`, when watched. */
  service(namespace: string, name: string): Service | undefined;
  /** The node `name`, when watched. */
  node(name: string): Node | undefined;
  /** The namespace `name`, when watched. */
  namespace(name: string): Namespace | undefined;
}

/**
 * A mapping context that finds no other object and attaches no metadata: for mapping an object on its own.
 *
 * @example
 * ```ts
 * serviceTargetLabels(svc, EMPTY_CONTEXT); // service targets without namespace metadata
 * EMPTY_CONTEXT.pod("prod", "web-0"); // undefined
 * ```
 */
export const EMPTY_CONTEXT: MappingContext = {
  attachNodeMetadata: false,
  attachNamespaceMetadata: false,
  pod: () => undefined,
  service: () => undefined,
  node: () => undefined,
  namespace: () => undefined,
};
