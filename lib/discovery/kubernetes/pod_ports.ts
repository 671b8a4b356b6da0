/**
 * Pod labels of endpoint targets, shared by the endpoints and endpointslice roles: the pod and
 * matching container port of a pod-backed endpoint, then targets for the pod container ports
 * that no endpoint port covered: Prometheus and vmagent give each such port its own target at
 * the pod IP, with the pod, container and owning endpoints/service labels (vmagent issue 4154).
 *
 * @module
 */
import type { MappingContext } from "./mapping_context.ts";
import { joinHostPort, type LabelPairs, removeDuplicateLabels } from "./meta_labels.ts";
import type { Container, Pod } from "./objects.ts";
import { appendContainerLabels, appendPodCommonLabels } from "./pod.ts";

/** Pods met while mapping an endpoints object, with the container ports already targeted. */
export type PodPortsSeen = Map<Pod, number[]>;

/** Options of {@linkcode appendEndpointPodLabels}. */
export interface EndpointPodOptions {
  /** Pods met so far with their targeted ports; the pod and its matched ports are added. */
  seen: PodPortsSeen;
  /** The endpoint port: container ports equal to it are the target's. */
  port: number;
  /** Services, pods and nodes known to the discoverer. */
  ctx: MappingContext;
  /**
   * Only native sidecar init containers (`restartPolicy: Always`) can match, as in vmagent's
   * endpoints role; its endpointslice role matches every init container.
   */
  sidecarsOnly: boolean;
}

/**
 * Adds the labels of the pod behind an endpoint and those of each container port equal to the
 * endpoint port, and records the pod and those ports in `seen`.
 *
 * @example
 * ```ts
 * import { EMPTY_CONTEXT } from "./mapping_context.ts";
 * import { parsePod } from "./parse_objects.ts";
 * const pod = parsePod({ metadata: { name: "p", namespace: "ns" }, spec: {}, status: {} });
 * const seen: PodPortsSeen = new Map();
 * const m: LabelPairs = [];
 * appendEndpointPodLabels(m, pod, { seen, port: 80, ctx: EMPTY_CONTEXT, sidecarsOnly: true });
 * seen.get(pod); // [] (the pod counts as seen without a matching port)
 * ```
 */
export function appendEndpointPodLabels(m: LabelPairs, p: Pod, o: EndpointPodOptions): void {
  appendPodCommonLabels(m, p, o.ctx);
  // The pod counts as seen even when no container port matches (vmagent issue 2134).
  let ports = o.seen.get(p);
  if (ports === undefined) o.seen.set(p, ports = []);
  for (const c of p.spec.containers) {
    const cp = c.ports.find((x) => x.containerPort === o.port);
    if (cp === undefined) continue;
    ports.push(cp.containerPort);
    appendContainerLabels(m, c, cp, false);
  }
  for (const c of p.spec.initContainers) {
    if (o.sidecarsOnly && c.restartPolicy !== "Always") continue;
    const cp = c.ports.find((x) => x.containerPort === o.port);
    if (cp === undefined) continue;
    ports.push(cp.containerPort);
    appendContainerLabels(m, c, cp, true);
  }
}

/**
 * Appends one target per container port of every seen pod that is not in its seen list;
 * `appendOwner` adds the endpoints/endpointslice and service labels. Each target's labels
 * are sorted by name with duplicates removed.
 *
 * @example
 * ```ts
 * // `pod` has container port 8080 at IP 10.1.0.5; no endpoint port matched it.
 * const out: LabelPairs[] = [];
 * appendSkippedPodPorts(out, new Map([[pod, []]]), EMPTY_CONTEXT, (m) => {
 *   m.push(["__meta_kubernetes_service_name", "web"]);
 * });
 * out[0][0]; // ["__address__", "10.1.0.5:8080"]
 * ```
 */
export function appendSkippedPodPorts(
  out: LabelPairs[],
  seen: PodPortsSeen,
  ctx: MappingContext,
  appendOwner: (m: LabelPairs, p: Pod) => void,
): void {
  const appendContainer = (p: Pod, c: Container, ports: number[], isInit: boolean) => {
    for (const cp of c.ports) {
      if (ports.includes(cp.containerPort)) continue;
      const m: LabelPairs = [["__address__", joinHostPort(p.status.podIP, cp.containerPort)]];
      appendPodCommonLabels(m, p, ctx);
      appendContainerLabels(m, c, cp, isInit);
      appendOwner(m, p);
      out.push(removeDuplicateLabels(m));
    }
  };
  for (const [p, ports] of seen) {
    for (const c of p.spec.containers) appendContainer(p, c, ports, false);
    for (const c of p.spec.initContainers) {
      if (c.restartPolicy === "Always") appendContainer(p, c, ports, true);
    }
  }
}
