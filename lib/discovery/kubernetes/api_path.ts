/**
 * API paths and query strings of the list/watch requests for a role: one path per namespace
 * (cluster-wide when no namespaces are given; nodes and namespaces are always cluster-wide),
 * with the role's label and field selectors joined by commas.
 *
 * @module
 */
import type { KubernetesSelector } from "../../config/types.ts";
import type { WatchRole } from "./objects.ts";
import { goQueryEscape } from "../../util/go_query_escape.ts";

const RESOURCES: Record<WatchRole, string> = {
  pod: "pods",
  endpoints: "endpoints",
  endpointslice: "endpointslices",
  service: "services",
  node: "nodes",
  ingress: "ingresses",
  namespace: "namespaces",
};

/**
 * Returns the `labelSelector=...&fieldSelector=...` query of the selectors for `role`
 * ("" when there are none). Selectors of other roles are ignored.
 *
 * @example
 * ```ts
 * selectorQuery("pod", [{ role: "pod", label: "app=web" }, { role: "pod", field: "spec.nodeName=n1" }]);
 * // "labelSelector=app%3Dweb&fieldSelector=spec.nodeName%3Dn1"
 * selectorQuery("service", []); // ""
 * ```
 */
export function selectorQuery(role: WatchRole, selectors: readonly KubernetesSelector[]): string {
  const labels: string[] = [];
  const fields: string[] = [];
  for (const s of selectors) {
    if (s.role !== role) continue;
    if (s.label) labels.push(s.label);
    if (s.field) fields.push(s.field);
  }
  const args: string[] = [];
  if (labels.length > 0) args.push("labelSelector=" + goQueryEscape(labels.join(",")));
  if (fields.length > 0) args.push("fieldSelector=" + goQueryEscape(fields.join(",")));
  return args.join("&");
}

function apiPath(resource: string, namespace: string, query: string): string {
  let suffix = namespace === "" ? resource : `namespaces/${namespace}/${resource}`;
  if (query !== "") suffix += "?" + query;
  if (resource === "ingresses") return "/apis/networking.k8s.io/v1/" + suffix;
  if (resource === "endpointslices") return "/apis/discovery.k8s.io/v1/" + suffix;
  return "/api/v1/" + suffix;
}

/**
 * Returns the API paths (with query) to list and watch for `role`.
 *
 * @example
 * ```ts
 * apiPaths("pod", ["a", "b"], [{ role: "pod", label: "app=web" }]);
 * // ["/api/v1/namespaces/a/pods?labelSelector=app%3Dweb",
 * //  "/api/v1/namespaces/b/pods?labelSelector=app%3Dweb"]
 * ```
 */
export function apiPaths(
  role: WatchRole,
  namespaces: readonly string[],
  selectors: readonly KubernetesSelector[],
): string[] {
  const resource = RESOURCES[role];
  const query = selectorQuery(role, selectors);
  if (role === "node" || role === "namespace" || namespaces.length === 0) {
    return [apiPath(resource, "", query)];
  }
  return namespaces.map((ns) => apiPath(resource, ns, query));
}
