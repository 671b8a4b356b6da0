/**
 * `role: node`: one target per node, at its preferred address (InternalIP, InternalDNS,
 * ExternalIP, ExternalDNS, LegacyHostIP, Hostname: the first type present) and the kubelet
 * port; `instance` is set to the node name. Nodes without an address give no target.
 *
 * @module
 */
import {
  appendObjectMetaLabels,
  joinHostPort,
  type LabelPairs,
  sanitizeLabelName,
} from "./meta_labels.ts";
import type { Node } from "./objects.ts";

const ADDRESS_PREFERENCE = [
  "InternalIP",
  "InternalDNS",
  "ExternalIP",
  "ExternalDNS",
  "LegacyHostIP",
  "Hostname",
];

function nodeAddress(n: Node): string {
  for (const type of ADDRESS_PREFERENCE) {
    for (const a of n.status.addresses) {
      if (a.type === type) {
        if (a.address !== "") return a.address;
        break;
      }
    }
  }
  return "";
}

/**
 * Returns the label set of a node's target (zero or one), `__address__` first.
 *
 * @example
 * ```ts
 * import { parseNode } from "./parse_objects.ts";
 * const node = parseNode({
 *   metadata: { name: "n1" },
 *   status: {
 *     addresses: [{ type: "InternalIP", address: "10.1.0.4" }],
 *     daemonEndpoints: { kubeletEndpoint: { port: 10250 } },
 *   },
 * });
 * nodeTargetLabels(node)[0].slice(0, 2); // [["__address__", "10.1.0.4:10250"], ["instance", "n1"]]
 * ```
 */
export function nodeTargetLabels(n: Node): LabelPairs[] {
  const addr = nodeAddress(n);
  if (addr === "") return [];
  const m: LabelPairs = [
    ["__address__", joinHostPort(addr, n.status.kubeletPort)],
    ["instance", n.metadata.name],
    ["__meta_kubernetes_node_name", n.metadata.name],
    ["__meta_kubernetes_node_provider_id", n.spec.providerID],
  ];
  appendObjectMetaLabels(m, "__meta_kubernetes_node", n.metadata);
  const seen = new Set<string>();
  for (const a of n.status.addresses) {
    // The first address of each type wins.
    if (seen.has(a.type)) continue;
    seen.add(a.type);
    m.push([sanitizeLabelName(`__meta_kubernetes_node_address_${a.type}`), a.address]);
  }
  return [m];
}
