import assert from "node:assert/strict";
import type { WatchRole } from "../../../lib/discovery/kubernetes/objects.ts";
import {
  parseNode,
  parseObjectList,
  parsePod,
} from "../../../lib/discovery/kubernetes/parse_objects.ts";
import { fixtureText } from "./_util.ts";

Deno.test("parseObjectList() rejects what vmagent's decoder rejects", () => {
  const roles: WatchRole[] = [
    "pod",
    "node",
    "service",
    "endpoints",
    "endpointslice",
    "ingress",
    "namespace",
  ];
  const f = (text: string) => {
    for (const role of roles) assert.throws(() => parseObjectList(role, text), `${role}: ${text}`);
  };
  f(``);
  f(`[1,23]`);
  f(`{"items":[{"metadata":1}]}`);
  f(`{"items":[{"metadata":{"labels":[1]}}]}`);
  f(`{"items":[{"metadata":{"name":5}}]}`);
  f(`{"metadata":{"resourceVersion":5},"items":[]}`);
});

Deno.test("parseObjectList() reads items and the resource version of every fixture", () => {
  const f = (role: WatchRole, file: string, rv: string, keys: string[]) => {
    const list = parseObjectList(role, fixtureText(file));
    assert.equal(list.resourceVersion, rv);
    assert.deepEqual(list.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`), keys);
  };
  f("pod", "pods.json", "72425", ["kube-system/etcd-m01"]);
  f("node", "nodes.json", "22627", ["/m01"]);
  f("endpoints", "endpoints.json", "128055", ["default/kubernetes"]);
  f("endpointslice", "endpointslices.json", "1177", [
    "default/kubernetes",
    "kube-system/kube-dns-22mvb",
  ]);
  f("service", "services.json", "60485", ["kube-system/kube-dns"]);
  f("ingress", "ingresses.json", "351452", ["default/test-ingress"]);
  f("namespace", "namespaces.json", "2295", ["/default", "/kube-system"]);
});

Deno.test("parsePod() gives zero values for missing or null fields", () => {
  const p = parsePod({ metadata: { name: "a", labels: null }, spec: null });
  assert.deepEqual(p, {
    metadata: {
      name: "a",
      namespace: "",
      uid: "",
      labels: [],
      annotations: [],
      ownerReferences: [],
    },
    spec: { nodeName: "", containers: [], initContainers: [] },
    status: {
      phase: "",
      podIP: "",
      hostIP: "",
      conditions: [],
      containerStatuses: [],
      initContainerStatuses: [],
    },
  });
});

Deno.test("parseNode() matches field names case-insensitively, as Go does", () => {
  const f = (endpoint: Record<string, unknown>, want: number) => {
    const n = parseNode({ status: { daemonEndpoints: { kubeletEndpoint: endpoint } } });
    assert.equal(n.status.kubeletPort, want);
  };
  f({ port: 10250 }, 10250);
  f({ Port: 10250 }, 10250);
  f({ PORT: 1 }, 1);
  f({}, 0);
  assert.throws(
    () => f({ port: "10250" }, 0),
    /kubeletEndpoint\.port: cannot decode string as int/,
  );
  assert.throws(() => f({ port: 1.5 }, 0), TypeError);
});

Deno.test("parsePod() sorts labels and annotations by name", () => {
  const p = parsePod({
    metadata: { labels: { b: "1", a: "2", "A": "3" }, annotations: { z: "", y: null } },
  });
  assert.deepEqual(p.metadata.labels, [["A", "3"], ["a", "2"], ["b", "1"]]);
  assert.deepEqual(p.metadata.annotations, [["y", ""], ["z", ""]]);
});
