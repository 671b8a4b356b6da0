import assert from "node:assert/strict";
import type { Service } from "../../../lib/discovery/kubernetes/objects.ts";
import { parseNamespace, parseService } from "../../../lib/discovery/kubernetes/parse_objects.ts";
import { serviceTargetLabels } from "../../../lib/discovery/kubernetes/service.ts";
import { canonical, canonicalFrom, context, fixtureObjects } from "./_util.ts";

Deno.test("serviceTargetLabels() gives vmagent's label sets for kube-dns", () => {
  const [svc] = fixtureObjects("service", "services.json") as Service[];
  const common = {
    "__meta_kubernetes_namespace": "kube-system",
    "__meta_kubernetes_service_name": "kube-dns",
    "__meta_kubernetes_service_type": "ClusterIP",
    "__meta_kubernetes_service_cluster_ip": "10.96.0.10",
    "__meta_kubernetes_service_label_k8s_app": "kube-dns",
    "__meta_kubernetes_service_label_kubernetes_io_cluster_service": "true",
    "__meta_kubernetes_service_label_kubernetes_io_name": "KubeDNS",
    "__meta_kubernetes_service_labelpresent_k8s_app": "true",
    "__meta_kubernetes_service_labelpresent_kubernetes_io_cluster_service": "true",
    "__meta_kubernetes_service_labelpresent_kubernetes_io_name": "true",
    "__meta_kubernetes_service_annotation_prometheus_io_port": "9153",
    "__meta_kubernetes_service_annotation_prometheus_io_scrape": "true",
    "__meta_kubernetes_service_annotationpresent_prometheus_io_port": "true",
    "__meta_kubernetes_service_annotationpresent_prometheus_io_scrape": "true",
  };
  const port = (addr: string, name: string, number: string, protocol: string) => ({
    "__address__": addr,
    "__meta_kubernetes_service_port_name": name,
    "__meta_kubernetes_service_port_number": number,
    "__meta_kubernetes_service_port_protocol": protocol,
    ...common,
  });
  assert.deepEqual(
    canonical(serviceTargetLabels(svc, context({}))),
    canonicalFrom([
      port("kube-dns.kube-system.svc:53", "dns", "53", "UDP"),
      port("kube-dns.kube-system.svc:53", "dns-tcp", "53", "TCP"),
      port("kube-dns.kube-system.svc:9153", "metrics", "9153", "TCP"),
    ]),
  );
});

Deno.test("serviceTargetLabels() uses the external name of ExternalName services", () => {
  const f = (spec: Record<string, unknown>, want: [string, string][]) => {
    const svc = parseService({ metadata: { name: "s", namespace: "n" }, spec });
    const [set] = serviceTargetLabels(svc, context({}));
    assert.deepEqual(set.filter((l) => /cluster_ip|external_name/.test(l[0])), want);
  };
  f({ type: "ExternalName", externalName: "db.example.com", ports: [{ port: 1 }] }, [
    ["__meta_kubernetes_service_external_name", "db.example.com"],
  ]);
  f({ type: "ClusterIP", clusterIP: "None", ports: [{ port: 1 }] }, [
    ["__meta_kubernetes_service_cluster_ip", "None"],
  ]);
  // A service without ports has no targets.
  assert.deepEqual(
    serviceTargetLabels(parseService({ metadata: { name: "s" }, spec: {} }), context({})),
    [],
  );
});

Deno.test("serviceTargetLabels() attaches namespace metadata when asked", () => {
  const svc = parseService({
    metadata: { name: "s", namespace: "n" },
    spec: { ports: [{ port: 80 }] },
  });
  const ns = parseNamespace({ metadata: { name: "n", labels: { "team.io/x": "a" } } });
  const [set] = serviceTargetLabels(svc, context({ attachNamespace: true, namespaces: [ns] }));
  assert.deepEqual(set.filter((l) => l[0].startsWith("__meta_kubernetes_namespace_")), [
    ["__meta_kubernetes_namespace_label_team_io_x", "a"],
    ["__meta_kubernetes_namespace_labelpresent_team_io_x", "true"],
  ]);
});
