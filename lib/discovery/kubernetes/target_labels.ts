/**
 * Dispatches an object to the mapping function of its role.
 *
 * @module
 */
import { endpointsTargetLabels } from "./endpoints.ts";
import { endpointSliceTargetLabels } from "./endpointslice.ts";
import { ingressTargetLabels } from "./ingress.ts";
import type { MappingContext } from "./mapping_context.ts";
import type { LabelPairs } from "./meta_labels.ts";
import { nodeTargetLabels } from "./node.ts";
import type {
  Endpoints,
  EndpointSlice,
  Ingress,
  KubeObject,
  Node,
  Pod,
  Service,
  WatchRole,
} from "./objects.ts";
import { podTargetLabels } from "./pod.ts";
import { serviceTargetLabels } from "./service.ts";

/**
 * Returns the target label sets (each with `__address__`) of object `o` of role `role`;
 * namespaces give none.
 *
 * @example
 * ```ts
 * import { EMPTY_CONTEXT } from "./mapping_context.ts";
 * import { parseObject } from "./parse_objects.ts";
 * const svc = parseObject("service", {
 *   metadata: { name: "db", namespace: "prod" },
 *   spec: { ports: [{ port: 5432 }] },
 * });
 * targetLabels("service", svc, EMPTY_CONTEXT).length; // 1
 * ```
 */
export function targetLabels(role: WatchRole, o: KubeObject, ctx: MappingContext): LabelPairs[] {
  switch (role) {
    case "pod":
      return podTargetLabels(o as Pod, ctx);
    case "endpoints":
      return endpointsTargetLabels(o as Endpoints, ctx);
    case "endpointslice":
      return endpointSliceTargetLabels(o as EndpointSlice, ctx);
    case "service":
      return serviceTargetLabels(o as Service, ctx);
    case "node":
      return nodeTargetLabels(o as Node);
    case "ingress":
      return ingressTargetLabels(o as Ingress, ctx);
    case "namespace":
      return [];
  }
}
