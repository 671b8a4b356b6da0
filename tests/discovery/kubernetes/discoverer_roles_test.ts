import assert from "node:assert/strict";
import { createKubernetesDiscoverer } from "../../../lib/discovery/kubernetes/discoverer.ts";
import { endpointSliceTargetLabels } from "../../../lib/discovery/kubernetes/endpointslice.ts";
import type { EndpointSlice, Pod, Service } from "../../../lib/discovery/kubernetes/objects.ts";
import { parseObjectList } from "../../../lib/discovery/kubernetes/parse_objects.ts";
import type { DiscoveredGroup } from "../../../lib/discovery/types.ts";
import { FakeApi, UpdateLog } from "./_fake_api.ts";
import { label, LIST_QUERY, sdConfig, testOptions } from "./_discoverer_util.ts";
import { canonical, canonicalFrom, context, fixtureObjects, fixtureText } from "./_util.ts";

// The ingress and endpointslice roles end to end: discoverer, shared watches, fake API server.

/** Runs a discoverer for `cfg` against `api` until its first update, which it returns. */
async function firstUpdate(
  api: FakeApi,
  cfg: Parameters<typeof createKubernetesDiscoverer>[0],
): Promise<DiscoveredGroup[]> {
  const d = createKubernetesDiscoverer(cfg, testOptions(api.fetch));
  const log = new UpdateLog<DiscoveredGroup[]>();
  const stop = new AbortController();
  const running = d.run(log.push, stop.signal);
  try {
    const groups = await log.nth(1);
    assert.equal(d.lastError?.(), "");
    return groups;
  } finally {
    stop.abort();
    await running;
    await api.close();
  }
}

Deno.test("kubernetes discoverer role ingress: v1beta1 on an old API server, namespace metadata attached", async () => {
  const beta = "/apis/networking.k8s.io/v1beta1/ingresses";
  // No v1 ingress path scripted: the fake server answers 404 to it, as Kubernetes < 1.19 does.
  const api = new FakeApi()
    .list("/api/v1/namespaces", fixtureText("namespaces.json"))
    .list(beta, fixtureText("ingresses.json"));
  const groups = await firstUpdate(
    api,
    sdConfig(api.url, { role: "ingress", attachMetadata: { node: false, namespace: true } }),
  );
  assert.deepEqual(groups.map((g) => g.targets), [["foobar"]]);
  assert.deepEqual(
    canonical(groups.map((g) => g.labels)),
    canonicalFrom([{
      "__address__": "foobar",
      "__meta_kubernetes_ingress_annotation_kubectl_kubernetes_io_last_applied_configuration":
        `{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"annotations":{},"name":"test-ingress","namespace":"default"},"spec":{"backend":{"serviceName":"testsvc","servicePort":80}}}\n`,
      "__meta_kubernetes_ingress_annotationpresent_kubectl_kubernetes_io_last_applied_configuration":
        "true",
      "__meta_kubernetes_ingress_host": "foobar",
      "__meta_kubernetes_ingress_name": "test-ingress",
      "__meta_kubernetes_ingress_path": "/",
      "__meta_kubernetes_ingress_scheme": "http",
      "__meta_kubernetes_ingress_class_name": "foo-class",
      "__meta_kubernetes_namespace": "default",
      "__meta_kubernetes_namespace_annotation_owner": "test-team",
      "__meta_kubernetes_namespace_annotationpresent_owner": "true",
      "__meta_kubernetes_namespace_label_environment": "test",
      "__meta_kubernetes_namespace_label_kubernetes_io_metadata_name": "default",
      "__meta_kubernetes_namespace_label_team": "platform",
      "__meta_kubernetes_namespace_labelpresent_environment": "true",
      "__meta_kubernetes_namespace_labelpresent_kubernetes_io_metadata_name": "true",
      "__meta_kubernetes_namespace_labelpresent_team": "true",
    }]),
  );
  const lists = api.urls().filter((u) => !u.includes("watch=1")).sort();
  assert.deepEqual(lists, [
    `/api/v1/namespaces?${LIST_QUERY}`,
    `/apis/networking.k8s.io/v1/ingresses?${LIST_QUERY}`,
    `${beta}?${LIST_QUERY}`,
  ]);
  // The watch goes to v1beta1 directly.
  const watches = api.urls().filter((u) => u.includes("watch=1") && u.includes("ingresses"));
  assert.ok(watches.every((u) => u.startsWith(`${beta}?`)), `${watches}`);
});

const COREDNS_PODS = JSON.stringify({
  kind: "PodList",
  apiVersion: "v1",
  metadata: { resourceVersion: "700" },
  items: [{
    metadata: {
      name: "coredns-66bff467f8-z8czk",
      namespace: "kube-system",
      uid: "36a545ff-dbba-4192-a5f6-1dbb0c21c73d",
      labels: { "k8s-app": "kube-dns" },
    },
    spec: {
      nodeName: "kind-control-plane",
      containers: [{
        name: "coredns",
        image: "k8s.gcr.io/coredns:1.6.7",
        ports: [
          { name: "dns", containerPort: 53, protocol: "UDP" },
          { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
          { name: "metrics", containerPort: 9153, protocol: "TCP" },
          { name: "health", containerPort: 8080, protocol: "TCP" },
        ],
      }],
    },
    status: {
      phase: "Running",
      podIP: "10.244.0.3",
      hostIP: "172.18.0.2",
      conditions: [{ type: "Ready", status: "True" }],
    },
  }],
});

Deno.test("kubernetes discoverer role endpointslice: joins slices with their pods and services", async () => {
  const api = new FakeApi()
    .list("/api/v1/pods", COREDNS_PODS)
    .list("/api/v1/services", fixtureText("services.json"))
    .list("/apis/discovery.k8s.io/v1/endpointslices", fixtureText("endpointslices.json"));
  const groups = await firstUpdate(api, sdConfig(api.url, { role: "endpointslice" }));
  // What the pure mapping gives with the same pods and services at hand.
  const ctx = context({
    pods: parseObjectList("pod", COREDNS_PODS).items as Pod[],
    services: fixtureObjects("service", "services.json") as Service[],
  });
  const slices = fixtureObjects("endpointslice", "endpointslices.json") as EndpointSlice[];
  assert.deepEqual(
    canonical(groups.map((g) => g.labels)),
    canonical(slices.flatMap((s) => endpointSliceTargetLabels(s, ctx))),
  );
  const byAddress = new Map(groups.map((g) => [g.targets[0], g]));
  assert.deepEqual([...byAddress.keys()].sort(), [
    "10.244.0.3:53",
    "10.244.0.3:8080", // the container port no slice port covers
    "10.244.0.3:9153",
    "172.18.0.2:6443",
  ]);
  // The joins happened: service and pod labels on the pod-backed targets.
  const metrics = byAddress.get("10.244.0.3:9153")!;
  assert.equal(label(metrics, "__meta_kubernetes_service_name"), "kube-dns");
  assert.equal(label(metrics, "__meta_kubernetes_service_cluster_ip"), "10.96.0.10");
  assert.equal(label(metrics, "__meta_kubernetes_pod_name"), "coredns-66bff467f8-z8czk");
  assert.equal(label(metrics, "__meta_kubernetes_pod_container_port_name"), "metrics");
  assert.equal(label(metrics, "__meta_kubernetes_pod_ready"), "true");
  const health = byAddress.get("10.244.0.3:8080")!;
  assert.equal(label(health, "__meta_kubernetes_endpointslice_name"), "kube-dns-22mvb");
  assert.equal(label(health, "__meta_kubernetes_pod_container_port_name"), "health");
  assert.equal(label(health, "__meta_kubernetes_endpointslice_port"), undefined);
  // The slice of the default/kubernetes service has no pod and no known service.
  const apiServer = byAddress.get("172.18.0.2:6443")!;
  assert.equal(label(apiServer, "__meta_kubernetes_service_name"), undefined);
  assert.equal(
    label(apiServer, "__meta_kubernetes_endpointslice_endpoint_conditions_ready"),
    "false",
  );
});
