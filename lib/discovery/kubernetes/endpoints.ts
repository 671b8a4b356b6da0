/**
 * `role: endpoints`: one target per address and port of every subset (ready addresses, then
 * not-ready ones, per port), with the service of the same name and, for addresses backed by a
 * pod, the pod's labels and the matching container port. Pod container ports that no endpoint
 * port covers get a target of their own at the pod IP (native sidecar init containers too).
 *
 * @module
 */
import type { MappingContext } from "./mapping_context.ts";
import {
  appendObjectMetaLabels,
  joinHostPort,
  type LabelPairs,
  removeDuplicateLabels,
} from "./meta_labels.ts";
import type { EndpointAddress, EndpointPort, Endpoints, Service } from "./objects.ts";
import { appendServiceCommonLabels } from "./service.ts";
import { appendEndpointPodLabels, appendSkippedPodPorts, type PodPortsSeen } from "./pod_ports.ts";

function addressLabels(
  eps: Endpoints,
  ea: EndpointAddress,
  epp: EndpointPort,
  ready: string,
): LabelPairs {
  const m: LabelPairs = [
    ["__address__", joinHostPort(ea.ip, epp.port)],
    ["__meta_kubernetes_namespace", eps.metadata.namespace],
    ["__meta_kubernetes_endpoints_name", eps.metadata.name],
    ["__meta_kubernetes_endpoint_ready", ready],
    ["__meta_kubernetes_endpoint_port_name", epp.name],
    ["__meta_kubernetes_endpoint_port_protocol", epp.protocol],
  ];
  if (ea.targetRef.kind !== "") {
    m.push(
      ["__meta_kubernetes_endpoint_address_target_kind", ea.targetRef.kind],
      ["__meta_kubernetes_endpoint_address_target_name", ea.targetRef.name],
    );
  }
  if (ea.nodeName !== "") m.push(["__meta_kubernetes_endpoint_node_name", ea.nodeName]);
  if (ea.hostname !== "") m.push(["__meta_kubernetes_endpoint_hostname", ea.hostname]);
  return m;
}

function appendAddressTargets(
  out: LabelPairs[],
  seen: PodPortsSeen,
  eps: Endpoints,
  addresses: EndpointAddress[],
  epp: EndpointPort,
  svc: Service | undefined,
  ready: string,
  ctx: MappingContext,
): void {
  for (const ea of addresses) {
    const p = ea.targetRef.name !== ""
      ? ctx.pod(ea.targetRef.namespace, ea.targetRef.name)
      : undefined;
    const m = addressLabels(eps, ea, epp, ready);
    if (svc !== undefined) appendServiceCommonLabels(m, svc, ctx);
    appendObjectMetaLabels(m, "__meta_kubernetes_endpoints", eps.metadata);
    if (ea.targetRef.kind === "Pod" && p !== undefined) {
      appendEndpointPodLabels(m, p, { seen, port: epp.port, ctx, sidecarsOnly: true });
    }
    out.push(removeDuplicateLabels(m));
  }
}

/**
 * Returns the label sets of the targets of an Endpoints object, each sorted by name.
 *
 * @example
 * ```ts
 * import { EMPTY_CONTEXT } from "./mapping_context.ts";
 * import { parseEndpoints } from "./parse_objects.ts";
 * const eps = parseEndpoints({
 *   metadata: { name: "api", namespace: "default" },
 *   subsets: [{ addresses: [{ ip: "10.0.0.9" }], ports: [{ name: "http", port: 80 }] }],
 * });
 * endpointsTargetLabels(eps, EMPTY_CONTEXT)[0][0]; // ["__address__", "10.0.0.9:80"]
 * ```
 */
export function endpointsTargetLabels(eps: Endpoints, ctx: MappingContext): LabelPairs[] {
  const svc = ctx.service(eps.metadata.namespace, eps.metadata.name);
  const seen: PodPortsSeen = new Map();
  const out: LabelPairs[] = [];
  for (const ss of eps.subsets) {
    for (const epp of ss.ports) {
      appendAddressTargets(out, seen, eps, ss.addresses, epp, svc, "true", ctx);
      appendAddressTargets(out, seen, eps, ss.notReadyAddresses, epp, svc, "false", ctx);
    }
  }
  appendSkippedPodPorts(out, seen, ctx, (m, p) => {
    m.push(
      ["__meta_kubernetes_endpoints_name", eps.metadata.name],
      ["__meta_kubernetes_endpoint_address_target_kind", "Pod"],
      ["__meta_kubernetes_endpoint_address_target_name", p.metadata.name],
    );
    appendObjectMetaLabels(m, "__meta_kubernetes_endpoints", eps.metadata);
    if (svc !== undefined) appendServiceCommonLabels(m, svc, ctx);
  });
  return out;
}
