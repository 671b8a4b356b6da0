import assert from "node:assert/strict";
import { nodeTargetLabels } from "../../../lib/discovery/kubernetes/node.ts";
import type { Node } from "../../../lib/discovery/kubernetes/objects.ts";
import { parseNode } from "../../../lib/discovery/kubernetes/parse_objects.ts";
import { canonical, canonicalFrom, fixtureObjects } from "./_util.ts";

Deno.test("nodeTargetLabels() gives vmagent's label set for node m01", () => {
  const [node] = fixtureObjects("node", "nodes.json") as Node[];
  assert.deepEqual(
    canonical(nodeTargetLabels(node)),
    canonicalFrom([{
      "instance": "m01",
      "__address__": "172.17.0.2:10250",
      "__meta_kubernetes_node_name": "m01",
      "__meta_kubernetes_node_provider_id": "aws:///foo-bar/baz",
      "__meta_kubernetes_node_label_beta_kubernetes_io_arch": "amd64",
      "__meta_kubernetes_node_label_beta_kubernetes_io_os": "linux",
      "__meta_kubernetes_node_label_kubernetes_io_arch": "amd64",
      "__meta_kubernetes_node_label_kubernetes_io_hostname": "m01",
      "__meta_kubernetes_node_label_kubernetes_io_os": "linux",
      "__meta_kubernetes_node_label_minikube_k8s_io_commit":
        "eb13446e786c9ef70cb0a9f85a633194e62396a1",
      "__meta_kubernetes_node_label_minikube_k8s_io_name": "minikube",
      "__meta_kubernetes_node_label_minikube_k8s_io_updated_at": "2020_03_16T22_44_27_0700",
      "__meta_kubernetes_node_label_minikube_k8s_io_version": "v1.8.2",
      "__meta_kubernetes_node_label_node_role_kubernetes_io_master": "",
      "__meta_kubernetes_node_labelpresent_beta_kubernetes_io_arch": "true",
      "__meta_kubernetes_node_labelpresent_beta_kubernetes_io_os": "true",
      "__meta_kubernetes_node_labelpresent_kubernetes_io_arch": "true",
      "__meta_kubernetes_node_labelpresent_kubernetes_io_hostname": "true",
      "__meta_kubernetes_node_labelpresent_kubernetes_io_os": "true",
      "__meta_kubernetes_node_labelpresent_minikube_k8s_io_commit": "true",
      "__meta_kubernetes_node_labelpresent_minikube_k8s_io_name": "true",
      "__meta_kubernetes_node_labelpresent_minikube_k8s_io_updated_at": "true",
      "__meta_kubernetes_node_labelpresent_minikube_k8s_io_version": "true",
      "__meta_kubernetes_node_labelpresent_node_role_kubernetes_io_master": "true",
      "__meta_kubernetes_node_annotation_kubeadm_alpha_kubernetes_io_cri_socket":
        "/var/run/dockershim.sock",
      "__meta_kubernetes_node_annotation_node_alpha_kubernetes_io_ttl": "0",
      "__meta_kubernetes_node_annotation_volumes_kubernetes_io_controller_managed_attach_detach":
        "true",
      "__meta_kubernetes_node_annotationpresent_kubeadm_alpha_kubernetes_io_cri_socket": "true",
      "__meta_kubernetes_node_annotationpresent_node_alpha_kubernetes_io_ttl": "true",
      "__meta_kubernetes_node_annotationpresent_volumes_kubernetes_io_controller_managed_attach_detach":
        "true",
      "__meta_kubernetes_node_address_InternalIP": "172.17.0.2",
      "__meta_kubernetes_node_address_Hostname": "m01",
    }]),
  );
});

Deno.test("nodeTargetLabels() picks the address by type preference", () => {
  const f = (addresses: { type: string; address: string }[], want: string | undefined) => {
    const node = parseNode({
      metadata: { name: "n" },
      status: { addresses, daemonEndpoints: { kubeletEndpoint: { port: 10250 } } },
    });
    assert.equal(nodeTargetLabels(node)[0]?.[0][1], want);
  };
  f(
    [{ type: "Hostname", address: "h" }, { type: "InternalIP", address: "10.0.0.1" }],
    "10.0.0.1:10250",
  );
  f(
    [{ type: "Hostname", address: "h" }, { type: "ExternalIP", address: "1.2.3.4" }],
    "1.2.3.4:10250",
  );
  f(
    [{ type: "InternalDNS", address: "n.internal" }, { type: "ExternalIP", address: "1.2.3.4" }],
    "n.internal:10250",
  );
  f([{ type: "InternalIP", address: "" }, { type: "Hostname", address: "h" }], "h:10250");
  f([{ type: "InternalIP", address: "fd00::5" }], "[fd00::5]:10250");
  // No address: no target.
  f([], undefined);
});

Deno.test("nodeTargetLabels() keeps the first address of each type", () => {
  const node = parseNode({
    metadata: { name: "n" },
    status: {
      addresses: [
        { type: "InternalIP", address: "10.0.0.1" },
        { type: "InternalIP", address: "fd00::1" },
        { type: "Custom/Type", address: "x" },
      ],
    },
  });
  const [set] = nodeTargetLabels(node);
  assert.deepEqual(set.filter((l) => l[0].startsWith("__meta_kubernetes_node_address_")), [
    ["__meta_kubernetes_node_address_InternalIP", "10.0.0.1"],
    ["__meta_kubernetes_node_address_Custom_Type", "x"],
  ]);
});
