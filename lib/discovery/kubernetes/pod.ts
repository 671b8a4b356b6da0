/**
 * `role: pod`: one target per container port, one port-less target per container without
 * ports (address = pod IP), init containers included and marked; pods without an IP and
 * finished pods (`Succeeded`, `Failed`) give no targets; terminated containers are skipped.
 * Also the pod label helpers that endpoints and endpointslice targets reuse.
 *
 * @module
 */
import type { MappingContext } from "./mapping_context.ts";
import {
  appendObjectMetaLabels,
  isIPv6Host,
  joinHostPort,
  type LabelPairs,
} from "./meta_labels.ts";
import type { Container, ContainerPort, Pod } from "./objects.ts";

function containerStatus(p: Pod, name: string, isInit: boolean) {
  const list = isInit ? p.status.initContainerStatuses : p.status.containerStatuses;
  for (const cs of list) if (cs.name === name) return cs;
  return undefined;
}

/** `__meta_kubernetes_pod_ready`: the `Ready` condition's status in lower case, else `unknown`. */
function podReady(p: Pod): string {
  for (const c of p.status.conditions) if (c.type === "Ready") return c.status.toLowerCase();
  return "unknown";
}

/**
 * Appends the labels every pod-backed target has: node and namespace metadata when attached,
 * `__meta_kubernetes_pod_{name,ip,ready,phase,node_name,host_ip,uid}`, the namespace, the
 * controller, and the pod's labels and annotations.
 *
 * @example
 * ```ts
 * const pod = parsePod({
 *   metadata: { name: "web-0", namespace: "prod", labels: { app: "web" } },
 *   status: { phase: "Running", podIP: "10.1.0.5" },
 * });
 * const m: LabelPairs = [];
 * appendPodCommonLabels(m, pod, EMPTY_CONTEXT);
 * // m: [["__meta_kubernetes_pod_name", "web-0"], ["__meta_kubernetes_pod_ip", "10.1.0.5"],
 * //     ["__meta_kubernetes_pod_ready", "unknown"], ..., ["__meta_kubernetes_pod_label_app", "web"],
 * //     ["__meta_kubernetes_pod_labelpresent_app", "true"]]
 * ```
 */
export function appendPodCommonLabels(dst: LabelPairs, p: Pod, ctx: MappingContext): void {
  if (ctx.attachNodeMetadata) {
    dst.push(["__meta_kubernetes_node_name", p.spec.nodeName]);
    const n = ctx.node(p.spec.nodeName);
    if (n !== undefined) appendObjectMetaLabels(dst, "__meta_kubernetes_node", n.metadata);
  }
  if (ctx.attachNamespaceMetadata) {
    const ns = ctx.namespace(p.metadata.namespace);
    if (ns !== undefined) appendObjectMetaLabels(dst, "__meta_kubernetes_namespace", ns.metadata);
  }
  dst.push(
    ["__meta_kubernetes_pod_name", p.metadata.name],
    ["__meta_kubernetes_pod_ip", p.status.podIP],
    ["__meta_kubernetes_pod_ready", podReady(p)],
    ["__meta_kubernetes_pod_phase", p.status.phase],
    ["__meta_kubernetes_pod_node_name", p.spec.nodeName],
    ["__meta_kubernetes_pod_host_ip", p.status.hostIP],
    ["__meta_kubernetes_pod_uid", p.metadata.uid],
    ["__meta_kubernetes_namespace", p.metadata.namespace],
  );
  const controller = p.metadata.ownerReferences.find((r) => r.controller);
  if (controller !== undefined) {
    if (controller.kind !== "") {
      dst.push(["__meta_kubernetes_pod_controller_kind", controller.kind]);
    }
    if (controller.name !== "") {
      dst.push(["__meta_kubernetes_pod_controller_name", controller.name]);
    }
  }
  appendObjectMetaLabels(dst, "__meta_kubernetes_pod", p.metadata);
}

/**
 * Appends `__meta_kubernetes_pod_container_*` for container `c` and, when given, its port.
 *
 * @example
 * ```ts
 * const c = pod.spec.containers[0]; // "app", image "nginx", port "http" 8080/TCP
 * const m: LabelPairs = [];
 * appendContainerLabels(m, c, c.ports[0], false);
 * // m: [["__meta_kubernetes_pod_container_image", "nginx"],
 * //     ["__meta_kubernetes_pod_container_name", "app"],
 * //     ["__meta_kubernetes_pod_container_init", "false"],
 * //     ["__meta_kubernetes_pod_container_port_name", "http"],
 * //     ["__meta_kubernetes_pod_container_port_number", "8080"],
 * //     ["__meta_kubernetes_pod_container_port_protocol", "TCP"]]
 * ```
 */
export function appendContainerLabels(
  dst: LabelPairs,
  c: Container,
  port: ContainerPort | undefined,
  isInit: boolean,
): void {
  dst.push(
    ["__meta_kubernetes_pod_container_image", c.image],
    ["__meta_kubernetes_pod_container_name", c.name],
    ["__meta_kubernetes_pod_container_init", isInit ? "true" : "false"],
  );
  if (port !== undefined) {
    dst.push(
      ["__meta_kubernetes_pod_container_port_name", port.name],
      ["__meta_kubernetes_pod_container_port_number", String(port.containerPort)],
      ["__meta_kubernetes_pod_container_port_protocol", port.protocol],
    );
  }
}

function appendContainerTargets(
  out: LabelPairs[],
  p: Pod,
  containers: Container[],
  isInit: boolean,
  ctx: MappingContext,
): void {
  for (const c of containers) {
    const status = containerStatus(p, c.name, isInit);
    if (status?.terminated) continue;
    const ports: (ContainerPort | undefined)[] = c.ports.length > 0 ? c.ports : [undefined];
    for (const port of ports) {
      const ip = p.status.podIP;
      const addr = port !== undefined
        ? joinHostPort(ip, port.containerPort)
        : isIPv6Host(ip)
        ? `[${ip}]`
        : ip;
      const m: LabelPairs = [["__address__", addr]];
      if (status !== undefined && status.containerID !== "") {
        m.push(["__meta_kubernetes_pod_container_id", status.containerID]);
      }
      appendPodCommonLabels(m, p, ctx);
      appendContainerLabels(m, c, port, isInit);
      out.push(m);
    }
  }
}

/**
 * Returns the label sets of the targets of a pod, `__address__` first.
 *
 * @example
 * ```ts
 * import { EMPTY_CONTEXT } from "./mapping_context.ts";
 * import { parsePod } from "./parse_objects.ts";
 * const pod = parsePod({
 *   metadata: { name: "web-0", namespace: "default" },
 *   spec: { containers: [{ name: "app", ports: [{ containerPort: 8080 }] }] },
 *   status: { podIP: "10.0.0.5", phase: "Running" },
 * });
 * podTargetLabels(pod, EMPTY_CONTEXT)[0][0]; // ["__address__", "10.0.0.5:8080"]
 * ```
 */
export function podTargetLabels(p: Pod, ctx: MappingContext): LabelPairs[] {
  // A pod without an IP cannot be scraped; nor can one that has finished.
  if (p.status.podIP === "") return [];
  if (p.status.phase === "Succeeded" || p.status.phase === "Failed") return [];
  const out: LabelPairs[] = [];
  appendContainerTargets(out, p, p.spec.containers, false, ctx);
  appendContainerTargets(out, p, p.spec.initContainers, true, ctx);
  return out;
}
