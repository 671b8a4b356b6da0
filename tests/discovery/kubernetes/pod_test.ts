import assert from "node:assert/strict";
import { EMPTY_CONTEXT } from "../../../lib/discovery/kubernetes/mapping_context.ts";
import type { Pod } from "../../../lib/discovery/kubernetes/objects.ts";
import { parseNamespace, parsePod } from "../../../lib/discovery/kubernetes/parse_objects.ts";
import { podTargetLabels } from "../../../lib/discovery/kubernetes/pod.ts";
import { canonical, canonicalFrom, context, fixtureJson, TEST_NODE } from "./_util.ts";

// The etcd-m01 pod of vmagent's pod_test.go; expected sets are vmagent HEAD's.
const ETCD_COMMON: Record<string, string> = {
  "__meta_kubernetes_namespace": "kube-system",
  "__meta_kubernetes_node_label_node_label": "xyz",
  "__meta_kubernetes_node_labelpresent_node_label": "true",
  "__meta_kubernetes_node_name": "test-node",
  "__meta_kubernetes_pod_name": "etcd-m01",
  "__meta_kubernetes_pod_container_image": "k8s.gcr.io/etcd:3.4.3-0",
  "__meta_kubernetes_pod_container_name": "etcd",
  "__meta_kubernetes_pod_ready": "true",
  "__meta_kubernetes_pod_phase": "Running",
  "__meta_kubernetes_pod_node_name": "test-node",
  "__meta_kubernetes_pod_uid": "9d328156-75d1-411a-bdd0-aeacb53a38de",
  "__meta_kubernetes_pod_controller_kind": "Node",
  "__meta_kubernetes_pod_controller_name": "m01",
  "__meta_kubernetes_pod_container_init": "false",
  "__meta_kubernetes_pod_container_id":
    "docker://a28f0800855008485376c1eece1cf61de97cb7026b9188d138b0d55d92fc2f5c",
  "__meta_kubernetes_pod_label_component": "etcd",
  "__meta_kubernetes_pod_label_tier": "control-plane",
  "__meta_kubernetes_pod_labelpresent_component": "true",
  "__meta_kubernetes_pod_labelpresent_tier": "true",
  "__meta_kubernetes_pod_annotation_kubernetes_io_config_hash": "3ec997b76fb6ed3b78da8e0b5676dac4",
  "__meta_kubernetes_pod_annotation_kubernetes_io_config_mirror":
    "3ec997b76fb6ed3b78da8e0b5676dac4",
  "__meta_kubernetes_pod_annotation_kubernetes_io_config_seen": "2020-03-16T20:44:26.538136233Z",
  "__meta_kubernetes_pod_annotation_kubernetes_io_config_source": "file",
  "__meta_kubernetes_pod_annotationpresent_kubernetes_io_config_hash": "true",
  "__meta_kubernetes_pod_annotationpresent_kubernetes_io_config_mirror": "true",
  "__meta_kubernetes_pod_annotationpresent_kubernetes_io_config_seen": "true",
  "__meta_kubernetes_pod_annotationpresent_kubernetes_io_config_source": "true",
};

const PORT_1234 = {
  "__meta_kubernetes_pod_container_port_name": "foobar",
  "__meta_kubernetes_pod_container_port_number": "1234",
  "__meta_kubernetes_pod_container_port_protocol": "TCP",
};

// deno-lint-ignore no-explicit-any
type Raw = any;

function etcdPod(edit: (raw: Raw) => void = () => {}): Pod {
  const raw: Raw = (fixtureJson("pods.json").items as Raw[])[0];
  edit(raw);
  return parsePod(raw);
}

const nodeCtx = context({ attachNode: true, nodes: { "test-node": TEST_NODE } });

Deno.test("podTargetLabels() gives vmagent's label sets for the etcd pod", () => {
  const f = (pod: Pod, want: Record<string, string>[]) => {
    assert.deepEqual(canonical(podTargetLabels(pod, nodeCtx)), canonicalFrom(want));
  };
  // IPv4, one port; the terminated container gives no target.
  f(etcdPod(), [{
    "__address__": "172.17.0.2:1234",
    "__meta_kubernetes_pod_ip": "172.17.0.2",
    "__meta_kubernetes_pod_host_ip": "172.17.0.2",
    ...ETCD_COMMON,
    ...PORT_1234,
  }]);
  // IPv6: the address is bracketed.
  const v6 = "fd01:10:100:0:e38f:6f4b:9c53:9e4e";
  const ipv6 = (raw: Raw) => {
    raw.status.podIP = v6;
    raw.status.hostIP = v6;
    raw.status.podIPs = [{ ip: v6 }];
  };
  f(etcdPod(ipv6), [{
    "__address__": `[${v6}]:1234`,
    "__meta_kubernetes_pod_ip": v6,
    "__meta_kubernetes_pod_host_ip": v6,
    ...ETCD_COMMON,
    ...PORT_1234,
  }]);
  // IPv6 without ports: one port-less target, bracketed, no port labels.
  f(
    etcdPod((raw) => {
      ipv6(raw);
      raw.spec.containers[1].ports = [];
    }),
    [{
      "__address__": `[${v6}]`,
      "__meta_kubernetes_pod_ip": v6,
      "__meta_kubernetes_pod_host_ip": v6,
      ...ETCD_COMMON,
    }],
  );
});

function pod(spec: Raw, status: Raw = {}, metadata: Raw = {}): Pod {
  return parsePod({
    metadata: { name: "p", namespace: "ns", uid: "u1", ...metadata },
    spec: { nodeName: "n1", ...spec },
    status: { phase: "Running", podIP: "10.0.0.1", hostIP: "192.168.0.1", ...status },
  });
}

Deno.test("podTargetLabels() adds labels in vmagent's order", () => {
  const p = pod(
    {
      containers: [{
        name: "app",
        image: "img",
        ports: [{ name: "http", containerPort: 80, protocol: "TCP" }],
      }],
    },
    {
      conditions: [{ type: "Ready", status: "False" }],
      containerStatuses: [{ name: "app", containerID: "c://1", state: { running: {} } }],
    },
    {
      labels: { b: "2", "a.b": "1" },
      annotations: { z: "9" },
      ownerReferences: [{ kind: "ReplicaSet", name: "rs", controller: true }],
    },
  );
  assert.deepEqual(podTargetLabels(p, EMPTY_CONTEXT), [[
    ["__address__", "10.0.0.1:80"],
    ["__meta_kubernetes_pod_container_id", "c://1"],
    ["__meta_kubernetes_pod_name", "p"],
    ["__meta_kubernetes_pod_ip", "10.0.0.1"],
    ["__meta_kubernetes_pod_ready", "false"],
    ["__meta_kubernetes_pod_phase", "Running"],
    ["__meta_kubernetes_pod_node_name", "n1"],
    ["__meta_kubernetes_pod_host_ip", "192.168.0.1"],
    ["__meta_kubernetes_pod_uid", "u1"],
    ["__meta_kubernetes_namespace", "ns"],
    ["__meta_kubernetes_pod_controller_kind", "ReplicaSet"],
    ["__meta_kubernetes_pod_controller_name", "rs"],
    ["__meta_kubernetes_pod_label_a_b", "1"],
    ["__meta_kubernetes_pod_labelpresent_a_b", "true"],
    ["__meta_kubernetes_pod_label_b", "2"],
    ["__meta_kubernetes_pod_labelpresent_b", "true"],
    ["__meta_kubernetes_pod_annotation_z", "9"],
    ["__meta_kubernetes_pod_annotationpresent_z", "true"],
    ["__meta_kubernetes_pod_container_image", "img"],
    ["__meta_kubernetes_pod_container_name", "app"],
    ["__meta_kubernetes_pod_container_init", "false"],
    ["__meta_kubernetes_pod_container_port_name", "http"],
    ["__meta_kubernetes_pod_container_port_number", "80"],
    ["__meta_kubernetes_pod_container_port_protocol", "TCP"],
  ]]);
});

Deno.test("podTargetLabels() gives one target per port and marks init containers", () => {
  const value = (set: [string, string][], name: string) => set.find((l) => l[0] === name)?.[1];
  const f = (p: Pod, want: [string, string | undefined, string | undefined][]) => {
    const got = podTargetLabels(p, EMPTY_CONTEXT).map((
      s,
    ): [string, string | undefined, string | undefined] => [
      s[0][1],
      value(s, "__meta_kubernetes_pod_container_name"),
      value(s, "__meta_kubernetes_pod_container_init"),
    ]);
    assert.deepEqual(got, want);
  };
  // Two ports, a port-less sidecar, then init containers (with and without ports).
  f(
    pod({
      containers: [
        { name: "app", ports: [{ containerPort: 80 }, { containerPort: 9100 }] },
        { name: "sidecar" },
      ],
      initContainers: [{ name: "init", ports: [{ containerPort: 7000 }] }, { name: "setup" }],
    }),
    [
      ["10.0.0.1:80", "app", "false"],
      ["10.0.0.1:9100", "app", "false"],
      ["10.0.0.1", "sidecar", "false"],
      ["10.0.0.1:7000", "init", "true"],
      ["10.0.0.1", "setup", "true"],
    ],
  );
  // A terminated init container gives no target; a running one does.
  f(
    pod(
      { initContainers: [{ name: "done" }, { name: "native", restartPolicy: "Always" }] },
      {
        initContainerStatuses: [
          { name: "done", state: { terminated: { exitCode: 0 } } },
          { name: "native", state: { running: {} } },
        ],
      },
    ),
    [["10.0.0.1", "native", "true"]],
  );
  // No IP yet, or finished: nothing to scrape.
  f(pod({ containers: [{ name: "app" }] }, { podIP: "" }), []);
  f(pod({ containers: [{ name: "app" }] }, { phase: "Succeeded" }), []);
  f(pod({ containers: [{ name: "app" }] }, { phase: "Failed" }), []);
  // Pending with an IP is scraped.
  f(pod({ containers: [{ name: "app" }] }, { phase: "Pending" }), [["10.0.0.1", "app", "false"]]);
});

Deno.test("podTargetLabels() reports readiness as vmagent does", () => {
  const f = (conditions: Raw, want: string) => {
    const [set] = podTargetLabels(
      pod({ containers: [{ name: "a" }] }, { conditions }),
      EMPTY_CONTEXT,
    );
    assert.equal(set.find((l) => l[0] === "__meta_kubernetes_pod_ready")?.[1], want);
  };
  f([{ type: "Ready", status: "True" }], "true");
  f([{ type: "Ready", status: "False" }], "false");
  f([{ type: "Ready", status: "Unknown" }], "unknown");
  f([{ type: "PodScheduled", status: "True" }], "unknown");
  f(undefined, "unknown");
});

Deno.test("podTargetLabels() attaches node and namespace metadata when asked", () => {
  const ns = parseNamespace({
    metadata: { name: "ns", labels: { team: "a" }, annotations: { "owner/x": "me" } },
  });
  const p = pod({ containers: [{ name: "a" }], nodeName: "gone" });
  const f = (ctx: ReturnType<typeof context>, want: [string, string][]) => {
    const [set] = podTargetLabels(p, ctx);
    const got = set.filter((l) =>
      l[0].startsWith("__meta_kubernetes_node") || l[0].startsWith("__meta_kubernetes_namespace_")
    );
    assert.deepEqual(got, want);
  };
  // attach_metadata.node with an unknown node still sets the node name.
  f(context({ attachNode: true }), [["__meta_kubernetes_node_name", "gone"]]);
  f(context({}), []);
  f(context({ attachNamespace: true, namespaces: [ns] }), [
    ["__meta_kubernetes_namespace_label_team", "a"],
    ["__meta_kubernetes_namespace_labelpresent_team", "true"],
    ["__meta_kubernetes_namespace_annotation_owner_x", "me"],
    ["__meta_kubernetes_namespace_annotationpresent_owner_x", "true"],
  ]);
});
