/**
 * Projects decoded JSON from the Kubernetes API onto the shapes in `objects.ts`.
 *
 * Decoding follows Go's `encoding/json` as vmagent uses it: a field name matches exactly or,
 * failing that, case-insensitively; `null` or a missing field gives the zero value; a value of
 * the wrong type is an error (a `TypeError` naming the field path).
 *
 * @module
 */
import type {
  Container,
  ContainerStatus,
  EndpointAddress,
  EndpointPort,
  Endpoints,
  EndpointSlice,
  Ingress,
  KubeObject,
  Namespace,
  Node,
  ObjectMeta,
  ObjectReference,
  Pod,
  Service,
  SliceEndpoint,
  StringPairs,
  WatchRole,
} from "./objects.ts";

type Json = Record<string, unknown>;

function field(o: Json, name: string): unknown {
  const v = o[name];
  if (v !== undefined) return v;
  // Go matches JSON keys to struct fields case-insensitively when there is no exact match.
  const lower = name.toLowerCase();
  for (const k in o) {
    if (k.toLowerCase() === lower) return o[k];
  }
  return undefined;
}

function typeError(path: string, want: string, v: unknown): TypeError {
  const got = Array.isArray(v) ? "array" : v === null ? "null" : typeof v;
  return new TypeError(`${path}: cannot decode ${got} as ${want}`);
}

function obj(v: unknown, path: string): Json {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) throw typeError(path, "object", v);
  return v as Json;
}

function str(o: Json, name: string, path: string): string {
  const v = field(o, name);
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw typeError(`${path}.${name}`, "string", v);
  return v;
}

function int(o: Json, name: string, path: string): number {
  const v = field(o, name);
  if (v === undefined || v === null) return 0;
  if (typeof v !== "number" || !Number.isInteger(v)) throw typeError(`${path}.${name}`, "int", v);
  return v;
}

function bool(o: Json, name: string, path: string): boolean {
  const v = field(o, name);
  if (v === undefined || v === null) return false;
  if (typeof v !== "boolean") throw typeError(`${path}.${name}`, "bool", v);
  return v;
}

function list<T>(o: Json, name: string, path: string, item: (v: unknown, p: string) => T): T[] {
  const v = field(o, name);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw typeError(`${path}.${name}`, "array", v);
  const out: T[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = item(v[i], `${path}.${name}[${i}]`);
  return out;
}

function strings(o: Json, name: string, path: string): string[] {
  return list(o, name, path, (v, p) => {
    if (v === null) return "";
    if (typeof v !== "string") throw typeError(p, "string", v);
    return v;
  });
}

/** A `map[string]string` field as pairs; `sorted` gives them in name order. */
function stringMap(o: Json, name: string, path: string, sorted: boolean): StringPairs {
  const m = obj(field(o, name), `${path}.${name}`);
  const out: StringPairs = [];
  for (const k in m) {
    const v = m[k];
    if (v === null) out.push([k, ""]);
    else if (typeof v === "string") out.push([k, v]);
    else throw typeError(`${path}.${name}.${k}`, "string", v);
  }
  if (sorted) out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return out;
}

function parseMeta(v: unknown, path: string): ObjectMeta {
  const m = obj(v, path);
  return {
    name: str(m, "name", path),
    namespace: str(m, "namespace", path),
    uid: str(m, "uid", path),
    labels: stringMap(m, "labels", path, true),
    annotations: stringMap(m, "annotations", path, true),
    ownerReferences: list(m, "ownerReferences", path, (x, p) => {
      const r = obj(x, p);
      return {
        name: str(r, "name", p),
        kind: str(r, "kind", p),
        controller: bool(r, "controller", p),
      };
    }),
  };
}

function parseContainer(v: unknown, path: string): Container {
  const c = obj(v, path);
  return {
    name: str(c, "name", path),
    image: str(c, "image", path),
    restartPolicy: str(c, "restartPolicy", path),
    ports: list(c, "ports", path, (x, p) => {
      const cp = obj(x, p);
      return {
        name: str(cp, "name", p),
        containerPort: int(cp, "containerPort", p),
        protocol: str(cp, "protocol", p),
      };
    }),
  };
}

function parseContainerStatus(v: unknown, path: string): ContainerStatus {
  const cs = obj(v, path);
  const state = obj(field(cs, "state"), `${path}.state`);
  const terminated = field(state, "terminated");
  if (terminated !== undefined && terminated !== null) obj(terminated, `${path}.state.terminated`);
  return {
    name: str(cs, "name", path),
    containerID: str(cs, "containerID", path),
    terminated: terminated !== undefined && terminated !== null,
  };
}

/**
 * Projects a decoded `v1/Pod` onto the fields discovery uses; throws `TypeError` on a
 * field of the wrong type.
 *
 * @example
 * ```ts
 * const pod = parsePod({
 *   metadata: { name: "web-0", namespace: "prod" },
 *   spec: { containers: [{ name: "app", ports: [{ name: "http", containerPort: 8080 }] }] },
 *   status: { phase: "Running", podIP: "10.1.0.5" },
 * });
 * pod.spec.containers[0].ports[0].containerPort; // 8080
 * pod.status.hostIP; // "" (missing fields give zero values)
 * parsePod({ metadata: { name: 5 } });
 * // throws TypeError "pod.metadata.name: cannot decode number as string"
 * ```
 */
export function parsePod(v: unknown): Pod {
  const o = obj(v, "pod");
  const spec = obj(field(o, "spec"), "pod.spec");
  const status = obj(field(o, "status"), "pod.status");
  const sp = "pod.status";
  return {
    metadata: parseMeta(field(o, "metadata"), "pod.metadata"),
    spec: {
      nodeName: str(spec, "nodeName", "pod.spec"),
      containers: list(spec, "containers", "pod.spec", parseContainer),
      initContainers: list(spec, "initContainers", "pod.spec", parseContainer),
    },
    status: {
      phase: str(status, "phase", sp),
      podIP: str(status, "podIP", sp),
      hostIP: str(status, "hostIP", sp),
      conditions: list(status, "conditions", sp, (x, p) => {
        const c = obj(x, p);
        return { type: str(c, "type", p), status: str(c, "status", p) };
      }),
      containerStatuses: list(status, "containerStatuses", sp, parseContainerStatus),
      initContainerStatuses: list(status, "initContainerStatuses", sp, parseContainerStatus),
    },
  };
}

function parseRef(o: Json, path: string): ObjectReference {
  const r = obj(field(o, "targetRef"), `${path}.targetRef`);
  const p = `${path}.targetRef`;
  return { kind: str(r, "kind", p), name: str(r, "name", p), namespace: str(r, "namespace", p) };
}

function parseEndpointPort(v: unknown, path: string): EndpointPort {
  const o = obj(v, path);
  return {
    appProtocol: str(o, "appProtocol", path),
    name: str(o, "name", path),
    port: int(o, "port", path),
    protocol: str(o, "protocol", path),
  };
}

function parseEndpointAddress(v: unknown, path: string): EndpointAddress {
  const o = obj(v, path);
  return {
    hostname: str(o, "hostname", path),
    ip: str(o, "ip", path),
    nodeName: str(o, "nodeName", path),
    targetRef: parseRef(o, path),
  };
}

/**
 * Projects a decoded `v1/Endpoints` onto the fields discovery uses; throws `TypeError` on a
 * field of the wrong type.
 *
 * @example
 * ```ts
 * const ep = parseEndpoints({
 *   metadata: { name: "web", namespace: "prod" },
 *   subsets: [{ addresses: [{ ip: "10.1.0.5" }], ports: [{ port: 8080 }] }],
 * });
 * ep.subsets[0].addresses[0].ip; // "10.1.0.5"
 * ep.subsets[0].addresses[0].targetRef; // { kind: "", name: "", namespace: "" }
 * ```
 */
export function parseEndpoints(v: unknown): Endpoints {
  const o = obj(v, "endpoints");
  return {
    metadata: parseMeta(field(o, "metadata"), "endpoints.metadata"),
    subsets: list(o, "subsets", "endpoints", (x, p) => {
      const s = obj(x, p);
      return {
        addresses: list(s, "addresses", p, parseEndpointAddress),
        notReadyAddresses: list(s, "notReadyAddresses", p, parseEndpointAddress),
        ports: list(s, "ports", p, parseEndpointPort),
      };
    }),
  };
}

function parseSliceEndpoint(v: unknown, path: string): SliceEndpoint {
  const o = obj(v, path);
  const c = obj(field(o, "conditions"), `${path}.conditions`);
  const cp = `${path}.conditions`;
  return {
    addresses: strings(o, "addresses", path),
    conditions: {
      ready: bool(c, "ready", cp),
      serving: bool(c, "serving", cp),
      terminating: bool(c, "terminating", cp),
    },
    hostname: str(o, "hostname", path),
    nodeName: str(o, "nodeName", path),
    targetRef: parseRef(o, path),
    topology: stringMap(o, "topology", path, false),
  };
}

/**
 * Projects a decoded `discovery.k8s.io/v1/EndpointSlice` onto the fields discovery uses;
 * throws `TypeError` on a field of the wrong type.
 *
 * @example
 * ```ts
 * const es = parseEndpointSlice({
 *   metadata: { name: "web-abc", namespace: "prod" },
 *   addressType: "IPv4",
 *   endpoints: [{ addresses: ["10.1.0.5"], conditions: { ready: true } }],
 *   ports: [{ name: "http", port: 8080 }],
 * });
 * es.endpoints[0].conditions; // { ready: true, serving: false, terminating: false }
 * ```
 */
export function parseEndpointSlice(v: unknown): EndpointSlice {
  const o = obj(v, "endpointslice");
  return {
    metadata: parseMeta(field(o, "metadata"), "endpointslice.metadata"),
    addressType: str(o, "addressType", "endpointslice"),
    endpoints: list(o, "endpoints", "endpointslice", parseSliceEndpoint),
    ports: list(o, "ports", "endpointslice", parseEndpointPort),
  };
}

/**
 * Projects a decoded `v1/Service` onto the fields discovery uses; throws `TypeError` on a
 * field of the wrong type.
 *
 * @example
 * ```ts
 * const svc = parseService({
 *   metadata: { name: "db", namespace: "prod" },
 *   spec: { type: "ClusterIP", clusterIP: "10.96.0.7", ports: [{ name: "sql", port: 5432 }] },
 * });
 * svc.spec.ports[0]; // { name: "sql", protocol: "", port: 5432 }
 * ```
 */
export function parseService(v: unknown): Service {
  const o = obj(v, "service");
  const spec = obj(field(o, "spec"), "service.spec");
  const p = "service.spec";
  return {
    metadata: parseMeta(field(o, "metadata"), "service.metadata"),
    spec: {
      clusterIP: str(spec, "clusterIP", p),
      externalName: str(spec, "externalName", p),
      type: str(spec, "type", p),
      ports: list(spec, "ports", p, (x, pp) => {
        const sp = obj(x, pp);
        return {
          name: str(sp, "name", pp),
          protocol: str(sp, "protocol", pp),
          port: int(sp, "port", pp),
        };
      }),
    },
  };
}

/**
 * Projects a decoded `v1/Node` onto the fields discovery uses; throws `TypeError` on a
 * field of the wrong type.
 *
 * @example
 * ```ts
 * const node = parseNode({
 *   metadata: { name: "n1" },
 *   status: {
 *     addresses: [{ type: "InternalIP", address: "192.168.1.10" }],
 *     daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
 *   },
 * });
 * node.status.kubeletPort; // 10250 (JSON keys match case-insensitively, as in Go)
 * ```
 */
export function parseNode(v: unknown): Node {
  const o = obj(v, "node");
  const spec = obj(field(o, "spec"), "node.spec");
  const status = obj(field(o, "status"), "node.status");
  const de = obj(field(status, "daemonEndpoints"), "node.status.daemonEndpoints");
  const ke = obj(field(de, "kubeletEndpoint"), "node.status.daemonEndpoints.kubeletEndpoint");
  return {
    metadata: parseMeta(field(o, "metadata"), "node.metadata"),
    spec: { providerID: str(spec, "providerID", "node.spec") },
    status: {
      addresses: list(status, "addresses", "node.status", (x, p) => {
        const a = obj(x, p);
        return { type: str(a, "type", p), address: str(a, "address", p) };
      }),
      kubeletPort: int(ke, "port", "node.status.daemonEndpoints.kubeletEndpoint"),
    },
  };
}

/**
 * Projects a decoded `networking.k8s.io/v1/Ingress` onto the fields discovery uses;
 * throws `TypeError` on a field of the wrong type.
 *
 * @example
 * ```ts
 * const ing = parseIngress({
 *   metadata: { name: "site", namespace: "prod" },
 *   spec: { rules: [{ host: "example.com", http: { paths: [{ path: "/api" }] } }] },
 * });
 * ing.spec.rules; // [{ host: "example.com", paths: ["/api"] }]
 * ```
 */
export function parseIngress(v: unknown): Ingress {
  const o = obj(v, "ingress");
  const spec = obj(field(o, "spec"), "ingress.spec");
  const p = "ingress.spec";
  return {
    metadata: parseMeta(field(o, "metadata"), "ingress.metadata"),
    spec: {
      tls: list(spec, "tls", p, (x, tp) => ({ hosts: strings(obj(x, tp), "hosts", tp) })),
      rules: list(spec, "rules", p, (x, rp) => {
        const r = obj(x, rp);
        const http = obj(field(r, "http"), `${rp}.http`);
        const paths = list(http, "paths", `${rp}.http`, (y, pp) => str(obj(y, pp), "path", pp));
        return { host: str(r, "host", rp), paths };
      }),
      ingressClassName: str(spec, "ingressClassName", p),
    },
  };
}

/**
 * Projects a decoded `v1/Namespace` (its metadata only); throws `TypeError` on a field of the wrong type.
 *
 * @example
 * ```ts
 * parseNamespace({ metadata: { name: "prod", labels: { team: "a" } } }).metadata.labels; // [["team", "a"]]
 * ```
 */
export function parseNamespace(v: unknown): Namespace {
  const o = obj(v, "namespace");
  return { metadata: parseMeta(field(o, "metadata"), "namespace.metadata") };
}

const PARSERS: Record<WatchRole, (v: unknown) => KubeObject> = {
  pod: parsePod,
  endpoints: parseEndpoints,
  endpointslice: parseEndpointSlice,
  service: parseService,
  node: parseNode,
  ingress: parseIngress,
  namespace: parseNamespace,
};

/**
 * Projects one decoded object of the given role.
 *
 * @example
 * ```ts
 * parseObject("pod", { metadata: { name: "a", namespace: "ns" } }).metadata.name; // "a"
 * ```
 */
export function parseObject(role: WatchRole, v: unknown): KubeObject {
  return PARSERS[role](v);
}

/** A decoded list response: its objects and `metadata.resourceVersion`. */
export interface ObjectList {
  items: KubeObject[];
  resourceVersion: string;
}

/**
 * Parses the text of a list response (`PodList`, `NodeList`, ...).
 * Throws `SyntaxError` on bad JSON and `TypeError` on a field of the wrong type.
 *
 * @example
 * ```ts
 * parseObjectList("node", '{"metadata":{"resourceVersion":"5"},"items":[]}').resourceVersion; // "5"
 * ```
 */
export function parseObjectList(role: WatchRole, text: string): ObjectList {
  const o = obj(JSON.parse(text), "list");
  const meta = obj(field(o, "metadata"), "list.metadata");
  return {
    resourceVersion: str(meta, "resourceVersion", "list.metadata"),
    items: list(o, "items", "list", (x) => parseObject(role, x)),
  };
}
