/**
 * The parts of Kubernetes API objects that `kubernetes_sd_configs` reads, as plain data.
 * Objects are projected onto these shapes when parsed (see `parse_objects.ts`), so the
 * watch cache keeps only what target labels need and two versions of an object compare
 * equal when nothing that matters changed. Absent fields take Go's zero values
 * ("", 0, false, []), as vmagent's decoder gives them.
 *
 * @module
 */

/** Object roles the API watcher knows: the SD roles plus `namespace` (for `attach_metadata`). */
export type WatchRole =
  | "pod"
  | "endpoints"
  | "endpointslice"
  | "service"
  | "node"
  | "ingress"
  | "namespace";

/** Label or annotation pairs, sorted by name (as vmagent keeps them). */
export type StringPairs = [string, string][];

/** `metadata` of any object. */
export interface ObjectMeta {
  name: string;
  namespace: string;
  uid: string;
  labels: StringPairs;
  annotations: StringPairs;
  ownerReferences: OwnerReference[];
}

/** `metadata.ownerReferences[]`. */
export interface OwnerReference {
  name: string;
  kind: string;
  controller: boolean;
}

/** `spec.containers[].ports[]`. */
export interface ContainerPort {
  name: string;
  containerPort: number;
  protocol: string;
}

/** `spec.containers[]` and `spec.initContainers[]`. */
export interface Container {
  name: string;
  image: string;
  ports: ContainerPort[];
  /** Set to `Always` on native sidecars (init containers that keep running). */
  restartPolicy: string;
}

/** `status.containerStatuses[]`. */
export interface ContainerStatus {
  name: string;
  containerID: string;
  /** `state.terminated` is set. */
  terminated: boolean;
}

/** A `v1/Pod`. */
export interface Pod {
  metadata: ObjectMeta;
  spec: { nodeName: string; containers: Container[]; initContainers: Container[] };
  status: {
    phase: string;
    podIP: string;
    hostIP: string;
    conditions: { type: string; status: string }[];
    containerStatuses: ContainerStatus[];
    initContainerStatuses: ContainerStatus[];
  };
}

/** `targetRef` of an endpoint address. */
export interface ObjectReference {
  kind: string;
  name: string;
  namespace: string;
}

/** `subsets[].ports[]` of Endpoints and `ports[]` of EndpointSlices. */
export interface EndpointPort {
  appProtocol: string;
  name: string;
  port: number;
  protocol: string;
}

/** `subsets[].addresses[]` of Endpoints. */
export interface EndpointAddress {
  hostname: string;
  ip: string;
  nodeName: string;
  targetRef: ObjectReference;
}

/** A `v1/Endpoints`. */
export interface Endpoints {
  metadata: ObjectMeta;
  subsets: {
    addresses: EndpointAddress[];
    notReadyAddresses: EndpointAddress[];
    ports: EndpointPort[];
  }[];
}

/** `endpoints[]` of an EndpointSlice. */
export interface SliceEndpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname: string;
  nodeName: string;
  targetRef: ObjectReference;
  /** The deprecated `topology` map, in the order written. */
  topology: StringPairs;
}

/** A `discovery.k8s.io/v1/EndpointSlice`. */
export interface EndpointSlice {
  metadata: ObjectMeta;
  addressType: string;
  endpoints: SliceEndpoint[];
  ports: EndpointPort[];
}

/** A `v1/Service`. */
export interface Service {
  metadata: ObjectMeta;
  spec: {
    clusterIP: string;
    externalName: string;
    type: string;
    ports: { name: string; protocol: string; port: number }[];
  };
}

/** A `v1/Node`. */
export interface Node {
  metadata: ObjectMeta;
  spec: { providerID: string };
  status: {
    addresses: { type: string; address: string }[];
    /** `daemonEndpoints.kubeletEndpoint.port`. */
    kubeletPort: number;
  };
}

/** A `networking.k8s.io/v1/Ingress`. */
export interface Ingress {
  metadata: ObjectMeta;
  spec: {
    tls: { hosts: string[] }[];
    /** `rules[]` with `http.paths[].path` flattened to strings. */
    rules: { host: string; paths: string[] }[];
    ingressClassName: string;
  };
}

/** A `v1/Namespace` (only its metadata is used). */
export interface Namespace {
  metadata: ObjectMeta;
}

/** Any watched object. */
export type KubeObject = Pod | Endpoints | EndpointSlice | Service | Node | Ingress | Namespace;

/**
 * Returns the cache key of an object: `namespace/name` (`/name` for cluster-scoped objects).
 *
 * @example
 * ```ts
 * objectKey(parsePod({ metadata: { name: "web-0", namespace: "prod" } })); // "prod/web-0"
 * objectKey(parseNode({ metadata: { name: "n1" } })); // "/n1"
 * ```
 */
export function objectKey(o: KubeObject): string {
  return `${o.metadata.namespace}/${o.metadata.name}`;
}
