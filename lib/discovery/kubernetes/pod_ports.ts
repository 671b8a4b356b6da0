/**
 * Targets for pod container ports that no endpoint port covered, shared by the endpoints and
 * endpointslice roles: Prometheus and vmagent give each such port its own target at the pod
 * IP, with the pod, container and owning endpoints/service labels (vmagent issue 4154).
 *
 * @module
 */
import type { MappingContext } from "./mapping_context.ts";
import { joinHostPort, type LabelPairs, removeDuplicateLabels } from "./meta_labels.ts";
import type { Container, Pod } from "./objects.ts";
import { appendContainerLabels, appendPodCommonLabels } from "./pod.ts";

/** Pods met while mapping an endpoints object, with the container ports already targeted. */
export type PodPortsSeen = Map<Pod, number[]>;

/**
 * Appends one target per container port of every seen pod that is not in its seen list;
 * `appendOwner` adds the endpoints/endpointslice and service labels.
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
