import assert from "node:assert/strict";
import { endpointsTargetLabels } from "../../../lib/discovery/kubernetes/endpoints.ts";
import type { Endpoints } from "../../../lib/discovery/kubernetes/objects.ts";
import {
  parseEndpoints,
  parseNamespace,
  parsePod,
  parseService,
} from "../../../lib/discovery/kubernetes/parse_objects.ts";
import { canonical, canonicalFrom, context, fixtureObjects, TEST_NODE } from "./_util.ts";

Deno.test("endpointsTargetLabels() gives vmagent's label set for a listed Endpoints", () => {
  // No pod or service is known: only the endpoints' own labels.
  const [eps] = fixtureObjects("endpoints", "endpoints.json") as Endpoints[];
  const ctx = context({ attachNode: true, nodes: { "test-node": TEST_NODE } });
  assert.deepEqual(
    canonical(endpointsTargetLabels(eps, ctx)),
    canonicalFrom([{
      "__address__": "172.17.0.2:8443",
      "__meta_kubernetes_endpoint_address_target_kind": "Pod",
      "__meta_kubernetes_endpoint_address_target_name": "coredns-6955765f44-lnp6t",
      "__meta_kubernetes_endpoint_hostname": "aaa.bbb",
      "__meta_kubernetes_endpoint_node_name": "test-node",
      "__meta_kubernetes_endpoint_port_name": "https",
      "__meta_kubernetes_endpoint_port_protocol": "TCP",
      "__meta_kubernetes_endpoint_ready": "true",
      "__meta_kubernetes_endpoints_name": "kubernetes",
      "__meta_kubernetes_endpoints_annotation_x": "y",
      "__meta_kubernetes_endpoints_annotationpresent_x": "true",
      "__meta_kubernetes_endpoints_label_foo": "bar",
      "__meta_kubernetes_endpoints_labelpresent_foo": "true",
      "__meta_kubernetes_namespace": "default",
    }]),
  );
});

// The fixture of vmagent's TestGetEndpointsLabels: one address backed by test-pod, the
// service test-eps, node and namespace metadata attached.
const SVC = parseService({
  metadata: { name: "test-eps", namespace: "default" },
  spec: { clusterIP: "1.2.3.4", type: "service-type", ports: [{ name: "test-port", port: 8081 }] },
});
const NS = parseNamespace({
  metadata: {
    name: "default",
    labels: { environment: "test", team: "platform" },
    annotations: { owner: "test-team" },
  },
  status: { phase: "Active" },
});

const ADDRESS_COMMON: Record<string, string> = {
  "__meta_kubernetes_endpoint_address_target_kind": "Pod",
  "__meta_kubernetes_endpoint_address_target_name": "test-pod",
  "__meta_kubernetes_endpoints_name": "test-eps",
  "__meta_kubernetes_namespace": "default",
  "__meta_kubernetes_namespace_annotation_owner": "test-team",
  "__meta_kubernetes_namespace_annotationpresent_owner": "true",
  "__meta_kubernetes_namespace_label_environment": "test",
  "__meta_kubernetes_namespace_label_team": "platform",
  "__meta_kubernetes_namespace_labelpresent_environment": "true",
  "__meta_kubernetes_namespace_labelpresent_team": "true",
  "__meta_kubernetes_node_label_node_label": "xyz",
  "__meta_kubernetes_node_labelpresent_node_label": "true",
  "__meta_kubernetes_node_name": "test-node",
  "__meta_kubernetes_pod_host_ip": "4.5.6.7",
  "__meta_kubernetes_pod_ip": "192.168.15.1",
  "__meta_kubernetes_pod_name": "test-pod",
  "__meta_kubernetes_pod_node_name": "test-node",
  "__meta_kubernetes_pod_phase": "abc",
  "__meta_kubernetes_pod_ready": "unknown",
  "__meta_kubernetes_pod_uid": "pod-uid",
  "__meta_kubernetes_service_cluster_ip": "1.2.3.4",
  "__meta_kubernetes_service_name": "test-eps",
  "__meta_kubernetes_service_type": "service-type",
};

type Port = { name: string; containerPort: number; protocol: string };

Deno.test("endpointsTargetLabels() adds pod, container and service labels as vmagent does", () => {
  const f = (
    args: {
      containers?: Record<string, Port[]>;
      initContainers?: Record<string, Port[]>;
      endpointPorts: { name: string; port: number; protocol: string }[];
    },
    want: Record<string, string>[],
  ) => {
    const eps = parseEndpoints({
      metadata: { name: "test-eps", namespace: "default" },
      subsets: [{
        ports: args.endpointPorts,
        addresses: [{
          ip: "10.13.15.15",
          targetRef: { kind: "Pod", namespace: "default", name: "test-pod" },
        }],
      }],
    });
    const pod = parsePod({
      metadata: { uid: "pod-uid", name: "test-pod", namespace: "default" },
      spec: {
        nodeName: "test-node",
        containers: Object.entries(args.containers ?? {}).map(([name, ports]) => ({
          name,
          image: "test-image",
          ports,
        })),
        initContainers: Object.entries(args.initContainers ?? {}).map(([name, ports]) => ({
          name,
          image: "test-init-image",
          ports,
          restartPolicy: "Always",
        })),
      },
      status: { phase: "abc", podIP: "192.168.15.1", hostIP: "4.5.6.7" },
    });
    const ctx = context({
      attachNode: true,
      attachNamespace: true,
      pods: [pod],
      services: [SVC],
      nodes: { "test-node": TEST_NODE },
      namespaces: [NS],
    });
    assert.deepEqual(canonical(endpointsTargetLabels(eps, ctx)), canonicalFrom(want));
  };

  // 1 port from endpoint
  f({ endpointPorts: [{ name: "web", port: 8081, protocol: "foobar" }] }, [{
    "__address__": "10.13.15.15:8081",
    "__meta_kubernetes_endpoint_port_name": "web",
    "__meta_kubernetes_endpoint_port_protocol": "foobar",
    "__meta_kubernetes_endpoint_ready": "true",
    ...ADDRESS_COMMON,
  }]);

  // 1 port from endpoint and 1 from pod
  f({
    containers: { metrics: [{ name: "http-metrics", containerPort: 8428, protocol: "foobar" }] },
    endpointPorts: [{ name: "web", port: 8081, protocol: "https" }],
  }, [
    {
      "__address__": "10.13.15.15:8081",
      "__meta_kubernetes_endpoint_port_name": "web",
      "__meta_kubernetes_endpoint_port_protocol": "https",
      "__meta_kubernetes_endpoint_ready": "true",
      ...ADDRESS_COMMON,
    },
    {
      "__address__": "192.168.15.1:8428",
      ...ADDRESS_COMMON,
      "__meta_kubernetes_pod_container_image": "test-image",
      "__meta_kubernetes_pod_container_init": "false",
      "__meta_kubernetes_pod_container_name": "metrics",
      "__meta_kubernetes_pod_container_port_name": "http-metrics",
      "__meta_kubernetes_pod_container_port_number": "8428",
      "__meta_kubernetes_pod_container_port_protocol": "foobar",
    },
  ]);

  // 1 port from endpoint matching the container port
  f({
    containers: { metrics: [{ name: "web", containerPort: 8428, protocol: "sdc" }] },
    endpointPorts: [{ name: "web", port: 8428, protocol: "xabc" }],
  }, [{
    "__address__": "10.13.15.15:8428",
    "__meta_kubernetes_endpoint_port_name": "web",
    "__meta_kubernetes_endpoint_port_protocol": "xabc",
    "__meta_kubernetes_endpoint_ready": "true",
    ...ADDRESS_COMMON,
    "__meta_kubernetes_pod_container_image": "test-image",
    "__meta_kubernetes_pod_container_init": "false",
    "__meta_kubernetes_pod_container_name": "metrics",
    "__meta_kubernetes_pod_container_port_name": "web",
    "__meta_kubernetes_pod_container_port_number": "8428",
    "__meta_kubernetes_pod_container_port_protocol": "sdc",
  }]);

  // 1 native sidecar init container port from endpoint
  f({
    initContainers: { metrics: [{ name: "web", containerPort: 8428, protocol: "sdc" }] },
    endpointPorts: [{ name: "web", port: 8428, protocol: "xabc" }],
  }, [{
    "__address__": "10.13.15.15:8428",
    "__meta_kubernetes_endpoint_port_name": "web",
    "__meta_kubernetes_endpoint_port_protocol": "xabc",
    "__meta_kubernetes_endpoint_ready": "true",
    ...ADDRESS_COMMON,
    "__meta_kubernetes_pod_container_image": "test-init-image",
    "__meta_kubernetes_pod_container_init": "true",
    "__meta_kubernetes_pod_container_name": "metrics",
    "__meta_kubernetes_pod_container_port_name": "web",
    "__meta_kubernetes_pod_container_port_number": "8428",
    "__meta_kubernetes_pod_container_port_protocol": "sdc",
  }]);
});

Deno.test("endpointsTargetLabels() marks not-ready addresses and sorts each set", () => {
  const eps = parseEndpoints({
    metadata: { name: "api", namespace: "prod" },
    subsets: [{
      addresses: [{ ip: "10.0.0.1" }],
      notReadyAddresses: [{ ip: "10.0.0.2", targetRef: { kind: "Node", name: "n1" } }],
      ports: [{ name: "a", port: 80, protocol: "TCP" }, { name: "b", port: 81, protocol: "TCP" }],
    }],
  });
  const sets = endpointsTargetLabels(eps, context({}));
  // Per port: ready addresses first, then not-ready ones.
  assert.deepEqual(
    sets.map((s) => [
      s.find((l) => l[0] === "__address__")?.[1],
      s.find((l) => l[0] === "__meta_kubernetes_endpoint_ready")?.[1],
    ]),
    [["10.0.0.1:80", "true"], ["10.0.0.2:80", "false"], ["10.0.0.1:81", "true"], [
      "10.0.0.2:81",
      "false",
    ]],
  );
  for (const s of sets) assert.deepEqual(s, [...s].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  // A non-pod target reference is labelled but not looked up.
  assert.deepEqual(sets[1].filter((l) => l[0].includes("target")), [
    ["__meta_kubernetes_endpoint_address_target_kind", "Node"],
    ["__meta_kubernetes_endpoint_address_target_name", "n1"],
  ]);
});
