import assert from "node:assert/strict";
import {
  ingressTargetLabels,
  matchesHostPattern,
} from "../../../lib/discovery/kubernetes/ingress.ts";
import type { Ingress } from "../../../lib/discovery/kubernetes/objects.ts";
import { parseIngress } from "../../../lib/discovery/kubernetes/parse_objects.ts";
import { canonical, canonicalFrom, context, fixtureObjects } from "./_util.ts";

Deno.test("matchesHostPattern() matches exact hosts and one-level wildcards", () => {
  const f = (pattern: string, host: string, want: boolean) => {
    assert.equal(matchesHostPattern(pattern, host), want, `${pattern} ${host}`);
  };
  f("", "", true);
  f("", "foo", false);
  f("foo", "", false);
  f("localhost", "localhost", true);
  f("localhost", "localhost2", false);
  f("*.foo", "bar", false);
  f("foo.bar", "foo.bar", true);
  f("foo.baz", "foo.bar", false);
  f("a.x.yyy", "b.x.yyy", false);
  f("*.x.yyy", "b.x.yyy", true);
  f("*.x.yyy", "a.b.x.yyy", false);
});

Deno.test("ingressTargetLabels() gives vmagent's label set for test-ingress", () => {
  const [ig] = fixtureObjects("ingress", "ingresses.json") as Ingress[];
  assert.deepEqual(
    canonical(ingressTargetLabels(ig, context({}))),
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
    }]),
  );
});

Deno.test("ingressTargetLabels() gives one target per path with the TLS scheme", () => {
  const ig = parseIngress({
    metadata: { name: "web", namespace: "n" },
    spec: {
      tls: [{ hosts: ["*.example.com"] }],
      rules: [
        { host: "a.example.com", http: { paths: [{ path: "/api" }, { path: "" }] } },
        { host: "other.org", http: { paths: [{ path: "/x" }] } },
      ],
    },
  });
  const pick = (s: [string, string][], n: string) => s.find((l) => l[0] === n)?.[1];
  assert.deepEqual(
    ingressTargetLabels(ig, context({})).map((s) => [
      pick(s, "__address__"),
      pick(s, "__meta_kubernetes_ingress_scheme"),
      pick(s, "__meta_kubernetes_ingress_path"),
    ]),
    [
      ["a.example.com", "https", "/api"],
      ["a.example.com", "https", "/"],
      ["other.org", "http", "/x"],
    ],
  );
});
