import assert from "node:assert/strict";
import { endpointSliceTargetLabels } from "../../../lib/discovery/kubernetes/endpointslice.ts";
import type { EndpointSlice } from "../../../lib/discovery/kubernetes/objects.ts";
import {
  parseEndpointSlice,
  parseNamespace,
  parsePod,
  parseService,
} from "../../../lib/discovery/kubernetes/parse_objects.ts";
import { canonical, canonicalFrom, context, fixtureObjects, TEST_NODE } from "./_util.ts";

Deno.test("endpointSliceTargetLabels() gives vmagent's label sets for listed slices", () => {
  const slices = fixtureObjects("endpointslice", "endpointslices.json") as EndpointSlice[];
  const ctx = context({ attachNode: true, nodes: { "test-node": TEST_NODE } });
  const kubeDns = (port: string, name: string, protocol: string) => ({
    "__address__": `10.244.0.3:${port}`,
    "__meta_kubernetes_endpointslice_address_target_kind": "Pod",
    "__meta_kubernetes_endpointslice_address_target_name": "coredns-66bff467f8-z8czk",
    "__meta_kubernetes_endpointslice_address_type": "IPv4",
    "__meta_kubernetes_endpointslice_annotation_endpoints_kubernetes_io_last_change_trigger_time":
      "2020-09-07T14:28:35Z",
    "__meta_kubernetes_endpointslice_annotationpresent_endpoints_kubernetes_io_last_change_trigger_time":
      "true",
    "__meta_kubernetes_endpointslice_endpoint_conditions_ready": "true",
    "__meta_kubernetes_endpointslice_endpoint_conditions_serving": "true",
    "__meta_kubernetes_endpointslice_endpoint_conditions_terminating": "false",
    "__meta_kubernetes_endpointslice_endpoint_topology_kubernetes_io_hostname":
      "kind-control-plane",
    "__meta_kubernetes_endpointslice_endpoint_topology_present_kubernetes_io_hostname": "true",
    "__meta_kubernetes_endpointslice_label_endpointslice_kubernetes_io_managed_by":
      "endpointslice-controller.k8s.io",
    "__meta_kubernetes_endpointslice_label_kubernetes_io_service_name": "kube-dns",
    "__meta_kubernetes_endpointslice_labelpresent_endpointslice_kubernetes_io_managed_by": "true",
    "__meta_kubernetes_endpointslice_labelpresent_kubernetes_io_service_name": "true",
    "__meta_kubernetes_endpointslice_name": "kube-dns-22mvb",
    "__meta_kubernetes_endpointslice_port": port,
    "__meta_kubernetes_endpointslice_port_name": name,
    "__meta_kubernetes_endpointslice_port_protocol": protocol,
    "__meta_kubernetes_namespace": "kube-system",
  });
  assert.deepEqual(
    canonical(slices.flatMap((s) => endpointSliceTargetLabels(s, ctx))),
    canonicalFrom([
      kubeDns("53", "dns", "UDP"),
      kubeDns("9153", "metrics", "TCP"),
      {
        "__address__": "172.18.0.2:6443",
        "__meta_kubernetes_endpointslice_address_type": "IPv4",
        "__meta_kubernetes_endpointslice_endpoint_conditions_ready": "false",
        "__meta_kubernetes_endpointslice_endpoint_conditions_serving": "false",
        "__meta_kubernetes_endpointslice_endpoint_conditions_terminating": "true",
        "__meta_kubernetes_endpointslice_label_kubernetes_io_service_name": "kubernetes",
        "__meta_kubernetes_endpointslice_labelpresent_kubernetes_io_service_name": "true",
        "__meta_kubernetes_endpointslice_name": "kubernetes",
        "__meta_kubernetes_endpointslice_port": "6443",
        "__meta_kubernetes_endpointslice_port_name": "https",
        "__meta_kubernetes_endpointslice_port_protocol": "TCP",
        "__meta_kubernetes_namespace": "default",
      },
    ]),
  );
});

// The fixture of vmagent's TestGetEndpointsliceLabels.
const SVC = parseService({
  metadata: { name: "test-svc", namespace: "default" },
  spec: { clusterIP: "1.2.3.4", type: "service-type", ports: [{ name: "test-port", port: 8081 }] },
});
const NS = parseNamespace({
  metadata: {
    name: "default",
    labels: { environment: "test", team: "platform" },
    annotations: { owner: "test-team" },
  },
});

const POD_SIDE: Record<string, string> = {
  "__meta_kubernetes_endpointslice_address_target_kind": "Pod",
  "__meta_kubernetes_endpointslice_address_target_name": "test-pod",
  "__meta_kubernetes_endpointslice_address_type": "foobar",
  "__meta_kubernetes_endpointslice_label_kubernetes_io_service_name": "test-svc",
  "__meta_kubernetes_endpointslice_labelpresent_kubernetes_io_service_name": "true",
  "__meta_kubernetes_endpointslice_name": "test-eps",
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
  "__meta_kubernetes_service_name": "test-svc",
  "__meta_kubernetes_service_type": "service-type",
};

const ENDPOINT_SIDE: Record<string, string> = {
  ...POD_SIDE,
  "__meta_kubernetes_endpointslice_endpoint_conditions_ready": "true",
  "__meta_kubernetes_endpointslice_endpoint_conditions_serving": "true",
  "__meta_kubernetes_endpointslice_endpoint_conditions_terminating": "false",
  "__meta_kubernetes_endpointslice_endpoint_hostname": "foo.bar",
  "__meta_kubernetes_endpointslice_endpoint_node_name": "test-node",
  "__meta_kubernetes_endpointslice_endpoint_topology_present_x": "true",
  "__meta_kubernetes_endpointslice_endpoint_topology_x": "y",
};

type Port = { name: string; containerPort: number; protocol: string };

Deno.test("endpointSliceTargetLabels() adds pod, container and service labels as vmagent does", () => {
  const f = (
    args: {
      containers?: Record<string, Port[]>;
      initContainers?: Record<string, Port[]>;
      endpointPorts: { name: string; port: number; protocol: string }[];
    },
    want: Record<string, string>[],
  ) => {
    const eps = parseEndpointSlice({
      metadata: {
        name: "test-eps",
        namespace: "default",
        labels: { "kubernetes.io/service-name": "test-svc" },
      },
      endpoints: [{
        addresses: ["10.13.15.15"],
        conditions: { ready: true, serving: true, terminating: false },
        hostname: "foo.bar",
        nodeName: "test-node",
        targetRef: { kind: "Pod", namespace: "default", name: "test-pod" },
        topology: { x: "y" },
      }],
      addressType: "foobar",
      ports: args.endpointPorts,
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
    assert.deepEqual(canonical(endpointSliceTargetLabels(eps, ctx)), canonicalFrom(want));
  };
  const container = (image: string, init: string, name: string, port: string, proto: string) => ({
    "__meta_kubernetes_pod_container_image": image,
    "__meta_kubernetes_pod_container_init": init,
    "__meta_kubernetes_pod_container_name": "metrics",
    "__meta_kubernetes_pod_container_port_name": name,
    "__meta_kubernetes_pod_container_port_number": port,
    "__meta_kubernetes_pod_container_port_protocol": proto,
  });
  const slicePort = (port: string, name: string, protocol: string) => ({
    "__meta_kubernetes_endpointslice_port": port,
    "__meta_kubernetes_endpointslice_port_name": name,
    "__meta_kubernetes_endpointslice_port_protocol": protocol,
  });

  // 1 port from endpoint
  f({ endpointPorts: [{ name: "web", port: 8081, protocol: "foobar" }] }, [
    { "__address__": "10.13.15.15:8081", ...ENDPOINT_SIDE, ...slicePort("8081", "web", "foobar") },
  ]);
  // 1 port from endpoint and 1 from pod
  f({
    containers: { metrics: [{ name: "http-metrics", containerPort: 8428, protocol: "foobar" }] },
    endpointPorts: [{ name: "web", port: 8081, protocol: "https" }],
  }, [
    { "__address__": "10.13.15.15:8081", ...ENDPOINT_SIDE, ...slicePort("8081", "web", "https") },
    {
      "__address__": "192.168.15.1:8428",
      ...POD_SIDE,
      ...container("test-image", "false", "http-metrics", "8428", "foobar"),
    },
  ]);
  // 1 port from endpoint matching the container
  f({
    containers: { metrics: [{ name: "web", containerPort: 8428, protocol: "sdc" }] },
    endpointPorts: [{ name: "web", port: 8428, protocol: "xabc" }],
  }, [{
    "__address__": "10.13.15.15:8428",
    ...ENDPOINT_SIDE,
    ...slicePort("8428", "web", "xabc"),
    ...container("test-image", "false", "web", "8428", "sdc"),
  }]);
  // 1 init container port from endpoint
  f({
    initContainers: { metrics: [{ name: "web", containerPort: 8428, protocol: "sdc" }] },
    endpointPorts: [{ name: "web", port: 8428, protocol: "xabc" }],
  }, [{
    "__address__": "10.13.15.15:8428",
    ...ENDPOINT_SIDE,
    ...slicePort("8428", "web", "xabc"),
    ...container("test-init-image", "true", "web", "8428", "sdc"),
  }]);
});

Deno.test("endpointSliceTargetLabels() adds the app protocol and brackets IPv6 addresses", () => {
  const eps = parseEndpointSlice({
    metadata: { name: "s", namespace: "n" },
    addressType: "IPv6",
    endpoints: [{ addresses: ["fd00::1", "fd00::2"], conditions: { ready: true } }],
    ports: [{ name: "h2", port: 443, protocol: "TCP", appProtocol: "kubernetes.io/h2c" }],
  });
  const sets = endpointSliceTargetLabels(eps, context({}));
  assert.deepEqual(sets.map((s) => s.find((l) => l[0] === "__address__")?.[1]), [
    "[fd00::1]:443",
    "[fd00::2]:443",
  ]);
  assert.equal(
    sets[0].find((l) => l[0] === "__meta_kubernetes_endpointslice_port_app_protocol")?.[1],
    "kubernetes.io/h2c",
  );
});
