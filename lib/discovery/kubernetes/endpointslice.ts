/**
 * `role: endpointslice`: one target per endpoint, port and address, with the service named by
 * the `kubernetes.io/service-name` label and, for pod-backed endpoints, the pod's labels and the
 * matching container port. Pod container ports no slice port covers get targets of their own.
 *
 * @module
 */
import type { MappingContext } from "./mapping_context.ts";
import {
  appendObjectMetaLabels,
  getPairValue,
  joinHostPort,
  type LabelPairs,
  removeDuplicateLabels,
  sanitizeLabelName,
} from "./meta_labels.ts";
import type { EndpointPort, EndpointSlice, SliceEndpoint } from "./objects.ts";
import { appendEndpointPodLabels, appendSkippedPodPorts, type PodPortsSeen } from "./pod_ports.ts";
import { appendServiceCommonLabels } from "./service.ts";

function sliceLabels(
  eps: EndpointSlice,
  addr: string,
  ep: SliceEndpoint,
  epp: EndpointPort,
): LabelPairs {
  const m: LabelPairs = [
    ["__address__", joinHostPort(addr, epp.port)],
    ["__meta_kubernetes_namespace", eps.metadata.namespace],
    ["__meta_kubernetes_endpointslice_name", eps.metadata.name],
    ["__meta_kubernetes_endpointslice_address_type", eps.addressType],
    ["__meta_kubernetes_endpointslice_endpoint_conditions_ready", String(ep.conditions.ready)],
    ["__meta_kubernetes_endpointslice_endpoint_conditions_serving", String(ep.conditions.serving)],
    [
      "__meta_kubernetes_endpointslice_endpoint_conditions_terminating",
      String(ep.conditions.terminating),
    ],
    ["__meta_kubernetes_endpointslice_port_name", epp.name],
    ["__meta_kubernetes_endpointslice_port_protocol", epp.protocol],
    ["__meta_kubernetes_endpointslice_port", String(epp.port)],
  ];
  if (epp.appProtocol !== "") {
    m.push(["__meta_kubernetes_endpointslice_port_app_protocol", epp.appProtocol]);
  }
  if (ep.targetRef.kind !== "") {
    m.push(
      ["__meta_kubernetes_endpointslice_address_target_kind", ep.targetRef.kind],
      ["__meta_kubernetes_endpointslice_address_target_name", ep.targetRef.name],
    );
  }
  if (ep.hostname !== "") {
    m.push(["__meta_kubernetes_endpointslice_endpoint_hostname", ep.hostname]);
  }
  if (ep.nodeName !== "") {
    m.push(["__meta_kubernetes_endpointslice_endpoint_node_name", ep.nodeName]);
  }
  for (const [k, v] of ep.topology) {
    m.push(
      [sanitizeLabelName(`__meta_kubernetes_endpointslice_endpoint_topology_${k}`), v],
      [sanitizeLabelName(`__meta_kubernetes_endpointslice_endpoint_topology_present_${k}`), "true"],
    );
  }
  return m;
}

/**
 * Returns the label sets of the targets of an EndpointSlice, each sorted by name.
 *
 * @example
 * ```ts
 * import { EMPTY_CONTEXT } from "./mapping_context.ts";
 * import { parseEndpointSlice } from "./parse_objects.ts";
 * const eps = parseEndpointSlice({
 *   metadata: { name: "api-x1", namespace: "default" },
 *   addressType: "IPv4",
 *   endpoints: [{ addresses: ["10.0.0.9"], conditions: { ready: true } }],
 *   ports: [{ name: "http", port: 80, protocol: "TCP" }],
 * });
 * endpointSliceTargetLabels(eps, EMPTY_CONTEXT)[0][0]; // ["__address__", "10.0.0.9:80"]
 * ```
 */
export function endpointSliceTargetLabels(eps: EndpointSlice, ctx: MappingContext): LabelPairs[] {
  const svcName = getPairValue(eps.metadata.labels, "kubernetes.io/service-name");
  const svc = ctx.service(eps.metadata.namespace, svcName);
  const seen: PodPortsSeen = new Map();
  const out: LabelPairs[] = [];
  for (const ep of eps.endpoints) {
    const p = ctx.pod(ep.targetRef.namespace, ep.targetRef.name);
    for (const epp of eps.ports) {
      for (const addr of ep.addresses) {
        const m = sliceLabels(eps, addr, ep, epp);
        if (svc !== undefined) appendServiceCommonLabels(m, svc, ctx);
        appendObjectMetaLabels(m, "__meta_kubernetes_endpointslice", eps.metadata);
        if (ep.targetRef.kind === "Pod" && p !== undefined) {
          appendEndpointPodLabels(m, p, { seen, port: epp.port, ctx, sidecarsOnly: false });
        }
        out.push(removeDuplicateLabels(m));
      }
    }
  }
  appendSkippedPodPorts(out, seen, ctx, (m, p) => {
    m.push(
      ["__meta_kubernetes_endpointslice_name", eps.metadata.name],
      ["__meta_kubernetes_endpointslice_address_target_kind", "Pod"],
      ["__meta_kubernetes_endpointslice_address_target_name", p.metadata.name],
      ["__meta_kubernetes_endpointslice_address_type", eps.addressType],
    );
    appendObjectMetaLabels(m, "__meta_kubernetes_endpointslice", eps.metadata);
    if (svc !== undefined) appendServiceCommonLabels(m, svc, ctx);
  });
  return out;
}
