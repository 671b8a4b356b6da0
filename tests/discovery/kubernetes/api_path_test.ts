import assert from "node:assert/strict";
import type { KubernetesSelector } from "../../../lib/config/types.ts";
import { apiPaths } from "../../../lib/discovery/kubernetes/api_path.ts";
import type { WatchRole } from "../../../lib/discovery/kubernetes/objects.ts";

Deno.test("apiPaths() builds vmagent's API paths per role, namespace and selector", () => {
  const f = (
    role: WatchRole,
    namespaces: string[],
    selectors: KubernetesSelector[],
    want: string[],
  ) => {
    assert.deepEqual(apiPaths(role, namespaces, selectors), want);
  };
  // role=node: never namespaced
  f("node", [], [], ["/api/v1/nodes"]);
  f("node", ["foo", "bar"], [], ["/api/v1/nodes"]);
  f("node", [], [{ role: "pod", label: "foo", field: "bar" }], ["/api/v1/nodes"]);
  f("node", [], [{ role: "node", label: "foo", field: "bar" }], [
    "/api/v1/nodes?labelSelector=foo&fieldSelector=bar",
  ]);
  f("node", ["x", "y"], [{ role: "node", label: "foo", field: "bar" }], [
    "/api/v1/nodes?labelSelector=foo&fieldSelector=bar",
  ]);
  // role=pod
  f("pod", [], [], ["/api/v1/pods"]);
  f("pod", ["foo", "bar"], [], ["/api/v1/namespaces/foo/pods", "/api/v1/namespaces/bar/pods"]);
  f("pod", [], [{ role: "node", label: "foo" }], ["/api/v1/pods"]);
  f("pod", [], [{ role: "pod", label: "foo" }, { role: "pod", label: "x", field: "y" }], [
    "/api/v1/pods?labelSelector=foo%2Cx&fieldSelector=y",
  ]);
  f("pod", ["x", "y"], [{ role: "pod", label: "foo" }, { role: "pod", label: "x", field: "y" }], [
    "/api/v1/namespaces/x/pods?labelSelector=foo%2Cx&fieldSelector=y",
    "/api/v1/namespaces/y/pods?labelSelector=foo%2Cx&fieldSelector=y",
  ]);
  // role=service
  f("service", [], [], ["/api/v1/services"]);
  f("service", ["x", "y"], [], ["/api/v1/namespaces/x/services", "/api/v1/namespaces/y/services"]);
  f("service", [], [{ role: "node", label: "foo" }, { role: "service", field: "bar" }], [
    "/api/v1/services?fieldSelector=bar",
  ]);
  f("service", ["x", "y"], [{ role: "service", label: "abc=de" }], [
    "/api/v1/namespaces/x/services?labelSelector=abc%3Dde",
    "/api/v1/namespaces/y/services?labelSelector=abc%3Dde",
  ]);
  // role=endpoints
  f("endpoints", [], [], ["/api/v1/endpoints"]);
  f("endpoints", ["x", "y"], [], [
    "/api/v1/namespaces/x/endpoints",
    "/api/v1/namespaces/y/endpoints",
  ]);
  f("endpoints", ["x", "y"], [{ role: "endpoints", label: "bbb" }, { role: "node", label: "aa" }], [
    "/api/v1/namespaces/x/endpoints?labelSelector=bbb",
    "/api/v1/namespaces/y/endpoints?labelSelector=bbb",
  ]);
  // role=endpointslice
  f("endpointslice", [], [], ["/apis/discovery.k8s.io/v1/endpointslices"]);
  f("endpointslice", ["x", "y"], [{ role: "endpointslice", field: "field", label: "label" }], [
    "/apis/discovery.k8s.io/v1/namespaces/x/endpointslices?labelSelector=label&fieldSelector=field",
    "/apis/discovery.k8s.io/v1/namespaces/y/endpointslices?labelSelector=label&fieldSelector=field",
  ]);
  // role=ingress
  f("ingress", [], [], ["/apis/networking.k8s.io/v1/ingresses"]);
  f("ingress", ["x", "y"], [
    { role: "node", field: "xyay" },
    { role: "ingress", field: "abc" },
    { role: "ingress", label: "cde" },
    { role: "ingress", label: "baaa" },
  ], [
    "/apis/networking.k8s.io/v1/namespaces/x/ingresses?labelSelector=cde%2Cbaaa&fieldSelector=abc",
    "/apis/networking.k8s.io/v1/namespaces/y/ingresses?labelSelector=cde%2Cbaaa&fieldSelector=abc",
  ]);
  // namespaces (for attach_metadata) are cluster-wide
  f("namespace", ["x"], [], ["/api/v1/namespaces"]);
});
