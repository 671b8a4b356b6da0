/**
 * Helpers for the kubernetes_sd tests: fixtures, a lookup context over given objects, and
 * label sets in a canonical order (each sorted by name, the list sorted) for comparison.
 *
 * @module
 */
import type { MappingContext } from "../../../lib/discovery/kubernetes/mapping_context.ts";
import type { LabelPairs } from "../../../lib/discovery/kubernetes/meta_labels.ts";
import type {
  KubeObject,
  Namespace,
  Node,
  Pod,
  Service,
  WatchRole,
} from "../../../lib/discovery/kubernetes/objects.ts";
import { parseObjectList } from "../../../lib/discovery/kubernetes/parse_objects.ts";

/** The folder of the kubernetes fixtures. */
export const TESTDATA = new URL("../../testdata/kubernetes/", import.meta.url);

/** Reads a fixture as text. */
export function fixtureText(name: string): string {
  return Deno.readTextFileSync(new URL(name, TESTDATA));
}

/** Reads a fixture as JSON. */
export function fixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(fixtureText(name));
}

/** Parses the items of a list fixture. */
export function fixtureObjects(role: WatchRole, name: string): KubeObject[] {
  return parseObjectList(role, fixtureText(name)).items;
}

/** What a test context holds. */
export interface ContextInit {
  attachNode?: boolean;
  attachNamespace?: boolean;
  pods?: Pod[];
  services?: Service[];
  /** Nodes by name (the name in the key, as vmagent's tests store them). */
  nodes?: Record<string, Node>;
  namespaces?: Namespace[];
}

/** A mapping context over the given objects. */
export function context(init: ContextInit): MappingContext {
  const key = (o: { metadata: { namespace: string; name: string } }) =>
    `${o.metadata.namespace}/${o.metadata.name}`;
  const pods = new Map((init.pods ?? []).map((p) => [key(p), p]));
  const services = new Map((init.services ?? []).map((s) => [key(s), s]));
  const namespaces = new Map((init.namespaces ?? []).map((n) => [n.metadata.name, n]));
  return {
    attachNodeMetadata: init.attachNode ?? false,
    attachNamespaceMetadata: init.attachNamespace ?? false,
    pod: (ns, name) => pods.get(`${ns}/${name}`),
    service: (ns, name) => services.get(`${ns}/${name}`),
    node: (name) => init.nodes?.[name],
    namespace: (name) => namespaces.get(name),
  };
}

/** The node vmagent's tests attach: no name, label `node-label: xyz`. */
export const TEST_NODE: Node = {
  metadata: {
    name: "",
    namespace: "",
    uid: "",
    labels: [["node-label", "xyz"]],
    annotations: [],
    ownerReferences: [],
  },
  spec: { providerID: "" },
  status: { addresses: [], kubeletPort: 0 },
};

function byName(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/** Label sets with each set sorted and the list sorted: comparable regardless of order. */
export function canonical(sets: LabelPairs[]): LabelPairs[] {
  const out = sets.map((s) => [...s].sort(byName));
  return out.sort((a, b) => {
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** Canonical label sets from plain objects (as vmagent's tests write them). */
export function canonicalFrom(sets: Record<string, string>[]): LabelPairs[] {
  return canonical(sets.map((o) => Object.entries(o)));
}
