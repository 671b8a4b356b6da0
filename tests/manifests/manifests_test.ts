import assert from "node:assert/strict";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { parseMemberNum } from "../../lib/cluster/options.ts";
import { parseConfig } from "../../lib/config/parse_config.ts";
import { parseAgentFlags, vmagentFlags } from "../../lib/flags/mod.ts";
import { AGENT_PERMISSION_ARGS } from "../integration/_peers.ts";
import {
  appliedDocs,
  dockerfileText,
  loadDocs,
  type ManifestDoc,
  only,
  ROOT,
  scrapeConfigText,
  yamlFiles,
} from "./_manifests.ts";

/** The kinds the manifests may contain, with the model that validates each. */
// deno-lint-ignore no-explicit-any
const CLASSES: Record<string, new (data: any) => { validate(): void }> = {
  "v1/ServiceAccount": ServiceAccount,
  "v1/Service": Service,
  "v1/ConfigMap": ConfigMap,
  "apps/v1/StatefulSet": StatefulSet,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "rbac.authorization.k8s.io/v1/ClusterRole": ClusterRole,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ClusterRoleBinding,
};

const VARIANT = "manifests/variants/statefulset-ondisk-queue.yaml";

function allDocs(): ManifestDoc[] {
  return [...appliedDocs(), ...loadDocs(yamlFiles("manifests/variants"))];
}

/** Both StatefulSets: the default one and the on-disk-queue variant. */
function statefulSets(): ManifestDoc[] {
  const out = allDocs().filter((d) => d.doc.kind === "StatefulSet");
  // The checks loop over these: an empty list would pass them all without checking anything.
  assert.equal(out.length, 2, `want the default StatefulSet and ${VARIANT}`);
  return out;
}

// deno-lint-ignore no-explicit-any
type Json = any;

function container(sts: Json): Json {
  assert.equal(sts.spec.template.spec.containers.length, 1);
  return sts.spec.template.spec.containers[0];
}

/** The container's env variables that have plain values (not `valueFrom`), as a map. */
function plainEnv(c: Json): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
  }
  return env;
}

Deno.test("every manifest document validates against the Kubernetes schemas", () => {
  const docs = allDocs();
  assert.ok(docs.length >= 8, `only ${docs.length} documents`);
  for (const { file, index, doc } of docs) {
    const where = `${file}[${index}] ${doc.kind}`;
    const Model = CLASSES[`${doc.apiVersion}/${doc.kind}`];
    assert.ok(Model !== undefined, `${where}: unexpected ${doc.apiVersion}/${doc.kind}`);
    assert.doesNotThrow(() => new Model(doc).validate(), where);
    assert.ok(doc.metadata?.name, `${where}: no name`);
    // Namespace-less: the resources go where `kubectl apply -n` (or the context) puts them.
    assert.equal(doc.metadata.namespace, undefined, `${where}: has a namespace`);
  }
});

Deno.test("the schema check catches a wrong type (it is not a no-op)", () => {
  const sts = structuredClone(only(appliedDocs(), "StatefulSet").doc);
  sts.spec.template.spec.containers[0].ports[0].containerPort = "8429";
  assert.throws(() => new StatefulSet(sts).validate(), /containerPort must be integer/);
});

Deno.test("kubectl apply -f manifests/ applies one of each resource, not the variant", () => {
  const kinds = appliedDocs().map((d) => d.doc.kind).sort();
  assert.deepEqual(kinds, [
    "ClusterRole",
    "ClusterRoleBinding",
    "ConfigMap",
    "PodDisruptionBudget",
    "Service",
    "ServiceAccount",
    "StatefulSet",
  ]);
  assert.ok(!yamlFiles("manifests").includes(VARIANT));
  const variant = loadDocs([VARIANT]);
  assert.deepEqual(variant.map((d) => d.doc.kind), ["StatefulSet"]);
  // It replaces the default StatefulSet rather than adding a second cluster.
  assert.equal(variant[0].doc.metadata.name, only(appliedDocs(), "StatefulSet").doc.metadata.name);
});

Deno.test("StatefulSet replicas equal membersCount and each pod name is its member number", () => {
  for (const { file, doc: sts } of statefulSets()) {
    const c = container(sts);
    assert.deepEqual(c.args, ["-envflag.enable", "-envflag.prefix=VM_"], file);
    const memberNum = (c.env as Json[]).find((e) => e.name === "VM_promscrape_cluster_memberNum");
    assert.deepEqual(memberNum?.valueFrom, { fieldRef: { fieldPath: "metadata.name" } }, file);
    const replicas: number = sts.spec.replicas;
    assert.ok(replicas > 1, file);
    for (let i = 0; i < replicas; i++) {
      const podName = `${sts.metadata.name}-${i}`;
      // The agent parses its flags from this environment, as in the pod.
      const flags = parseAgentFlags(c.args, {
        env: { ...plainEnv(c), VM_promscrape_cluster_memberNum: podName },
      });
      const membersCount = flags.get("promscrape.cluster.membersCount");
      assert.equal(membersCount, replicas, file);
      const text = flags.get("promscrape.cluster.memberNum");
      assert.equal(text, podName);
      assert.equal(parseMemberNum(text, membersCount), i, `${file}: ${podName}`);
    }
  }
});

Deno.test("every VM_ variable of the manifests names a flag of the agent", () => {
  const known = new Set(Object.keys(vmagentFlags(1)).map((f) => "VM_" + f.replaceAll(".", "_")));
  let checked = 0;
  for (const { file, doc: sts } of statefulSets()) {
    for (const e of container(sts).env as Json[]) {
      if (!e.name.startsWith("VM_")) continue;
      assert.ok(known.has(e.name), `${file}: ${e.name} is not a flag`);
      checked++;
    }
  }
  assert.ok(checked >= 10, `only ${checked} VM_ variables`);
  // The check itself rejects a misspelt flag.
  assert.ok(!known.has("VM_promscrape_cluster_memberCount"));
});

Deno.test("serviceName names the headless Service, which selects the pods on port 8429", () => {
  const docs = appliedDocs();
  const svc = only(docs, "Service").doc;
  const pdb = only(docs, "PodDisruptionBudget").doc;
  assert.equal(svc.spec.clusterIP, "None");
  for (const { file, doc: sts } of statefulSets()) {
    assert.equal(sts.spec.serviceName, svc.metadata.name, file);
    const podLabels = sts.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(svc.spec.selector)) assert.equal(podLabels[k], v, file);
    for (const [k, v] of Object.entries(sts.spec.selector.matchLabels)) {
      assert.equal(podLabels[k], v, file);
    }
    for (const [k, v] of Object.entries(pdb.spec.selector.matchLabels)) {
      assert.equal(podLabels[k], v, file);
    }
    const [port] = svc.spec.ports;
    assert.equal(port.port, 8429);
    const cport = (container(sts).ports as Json[]).find((p) => p.name === port.targetPort);
    assert.equal(cport?.containerPort, 8429, file);
    // A disruption may take at most one member down.
    assert.ok(pdb.spec.maxUnavailable === 1 && sts.spec.replicas > 1);
  }
});

Deno.test("the ServiceAccount the pods use is bound to the ClusterRole", () => {
  const docs = appliedDocs();
  const sa = only(docs, "ServiceAccount").doc;
  const binding = only(docs, "ClusterRoleBinding").doc;
  const role = only(docs, "ClusterRole").doc;
  for (const { file, doc: sts } of statefulSets()) {
    assert.equal(sts.spec.template.spec.serviceAccountName, sa.metadata.name, file);
    assert.notEqual(sts.spec.template.spec.automountServiceAccountToken, false, file);
  }
  assert.deepEqual(binding.roleRef, {
    apiGroup: "rbac.authorization.k8s.io",
    kind: "ClusterRole",
    name: role.metadata.name,
  });
  assert.deepEqual(
    binding.subjects.map((s: Json) => [s.kind, s.name]),
    [["ServiceAccount", sa.metadata.name]],
  );
  assert.ok(binding.subjects[0].namespace, "a ServiceAccount subject needs a namespace");
});

/** API group and resources each kubernetes_sd_configs role lists and watches. */
const ROLE_RESOURCES: Record<string, [string, string][]> = {
  pod: [["", "pods"]],
  node: [["", "nodes"]],
  service: [["", "services"]],
  endpoints: [["", "endpoints"], ["", "services"], ["", "pods"]],
  endpointslice: [["discovery.k8s.io", "endpointslices"], ["", "services"], ["", "pods"]],
  ingress: [["networking.k8s.io", "ingresses"]],
};

Deno.test("the ClusterRole grants exactly what the ConfigMap's scrape config needs", () => {
  const cfg = parseConfig(scrapeConfigText(), { file: "/config/scrape.yml", strictParse: true });
  const need = new Set<string>();
  for (const job of cfg.scrapeConfigs) {
    for (const sd of job.kubernetesSdConfigs) {
      const resources = [...ROLE_RESOURCES[sd.role]];
      if (sd.attachMetadata.node) resources.push(["", "nodes"]);
      if (sd.attachMetadata.namespace) resources.push(["", "namespaces"]);
      for (const [group, res] of resources) {
        // Discovery lists and watches collections; it never gets a single object.
        for (const verb of ["list", "watch"]) need.add(`${group}/${res}:${verb}`);
      }
      // Scraping kubelets: they authorize /metrics* against nodes/metrics.
      if (sd.role === "node" && job.scheme === "https") need.add("/nodes/metrics:get");
    }
    const scrapesApiServer = job.staticConfigs.some((g) =>
      g.targets.some((t) => t.startsWith("kubernetes.default.svc"))
    );
    if (scrapesApiServer) need.add(`url:${job.metricsPath}:get`);
  }
  const granted = new Set<string>();
  for (const rule of only(appliedDocs(), "ClusterRole").doc.rules as Json[]) {
    for (const verb of rule.verbs) {
      for (const url of rule.nonResourceURLs ?? []) granted.add(`url:${url}:${verb}`);
      for (const group of rule.apiGroups ?? []) {
        for (const res of rule.resources ?? []) granted.add(`${group}/${res}:${verb}`);
      }
    }
  }
  assert.deepEqual([...granted].sort(), [...need].sort());
});

Deno.test("probes point at /ready and /health on the container port", () => {
  for (const { file, doc: sts } of statefulSets()) {
    const c = container(sts);
    const http = (c.ports as Json[]).find((p) => p.containerPort === 8429);
    assert.ok(http !== undefined, file);
    const port = (probe: Json) => probe.httpGet.port === http.name || probe.httpGet.port === 8429;
    assert.equal(c.readinessProbe.httpGet.path, "/ready", file);
    assert.equal(c.livenessProbe.httpGet.path, "/health", file);
    assert.ok(port(c.readinessProbe) && port(c.livenessProbe), file);
    // The agent listens where the probes look (-httpListenAddr, default :8429).
    const flags = parseAgentFlags(c.args, { env: plainEnv(c) });
    assert.deepEqual(flags.get("httpListenAddr"), [":8429"]);
  }
});

Deno.test("the container runs locked down with its writable paths on volumes", () => {
  const cm = only(appliedDocs(), "ConfigMap").doc;
  for (const { file, doc: sts } of statefulSets()) {
    const pod = sts.spec.template.spec;
    const c = container(sts);
    assert.equal(pod.securityContext.runAsNonRoot, true, file);
    assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault", file);
    assert.deepEqual(
      {
        runAsNonRoot: c.securityContext.runAsNonRoot,
        readOnlyRootFilesystem: c.securityContext.readOnlyRootFilesystem,
        allowPrivilegeEscalation: c.securityContext.allowPrivilegeEscalation,
        capabilities: c.securityContext.capabilities,
        seccompProfile: c.securityContext.seccompProfile,
      },
      {
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      },
      file,
    );
    for (const kind of ["requests", "limits"]) {
      assert.ok(c.resources[kind].cpu && c.resources[kind].memory, `${file}: ${kind}`);
    }
    const flags = parseAgentFlags(c.args, { env: plainEnv(c) });
    const mountOf = (path: string) =>
      (c.volumeMounts as Json[]).find((m) =>
        path === m.mountPath || path.startsWith(m.mountPath + "/")
      );
    // The config file comes from the ConfigMap.
    const configPath = flags.get("promscrape.config");
    const configMount = mountOf(configPath);
    const configVolume = (pod.volumes as Json[]).find((v) => v.name === configMount?.name);
    assert.equal(configVolume?.configMap?.name, cm.metadata.name, file);
    assert.ok(configPath.slice(configMount.mountPath.length + 1) in cm.data, file);
    // The remote write folder is on a writable volume.
    const dataMount = mountOf(flags.get("remoteWrite.tmpDataPath"));
    assert.ok(
      dataMount !== undefined && !dataMount.readOnly,
      `${file}: tmpDataPath not on a volume`,
    );
    assert.ok(mountOf("/tmp") !== undefined, `${file}: no writable /tmp`);
  }
});

Deno.test("the default StatefulSet is stateless; the variant queues on a PersistentVolumeClaim", () => {
  const def = container(only(appliedDocs(), "StatefulSet").doc);
  const defFlags = parseAgentFlags(def.args, { env: plainEnv(def) });
  assert.deepEqual(defFlags.get("remoteWrite.disableOnDiskQueue"), [true]);
  assert.equal(only(appliedDocs(), "StatefulSet").doc.spec.volumeClaimTemplates, undefined);

  const sts = loadDocs([VARIANT])[0].doc;
  const c = container(sts);
  const flags = parseAgentFlags(c.args, { env: plainEnv(c) });
  assert.equal(flags.isSet("remoteWrite.disableOnDiskQueue"), false);
  const claims = (sts.spec.volumeClaimTemplates as Json[]).map((t) => t.metadata.name);
  const mount = (c.volumeMounts as Json[]).find((m) =>
    m.mountPath === flags.get("remoteWrite.tmpDataPath")
  );
  assert.ok(mount !== undefined && claims.includes(mount.name), "tmpDataPath is not the claim");
  assert.ok(!(sts.spec.template.spec.volumes as Json[]).some((v) => v.name === mount.name));
});

Deno.test("with a memory limit, V8 sizes its heap from the container's limit (DENO_USE_CGROUPS)", () => {
  for (const { file, doc: sts } of statefulSets()) {
    const c = container(sts);
    assert.ok(c.resources.limits.memory, `${file}: no memory limit`);
    assert.equal(plainEnv(c).DENO_USE_CGROUPS, "1", file);
  }
  // The image sets it too, for containers run without the manifests.
  const env = dockerfileText().split("\n").filter((l) => /^ENV\s/.test(l.trim()));
  assert.ok(env.some((l) => /\bDENO_USE_CGROUPS=1\b/.test(l)), env.join("\n"));
});

/** Permission flags of a deno command line: -P/--permission-set, -A/--allow-all, --allow-*, --deny-*. */
function permissionFlags(cmd: string): string[] {
  return cmd.split(/\s+/).filter((t) =>
    /^(-P|--permission-set)(=|$)/.test(t) || /^(-A|--allow-|--deny-)/.test(t)
  ).sort();
}

Deno.test("the Dockerfile compiles with deno task start's permission flags, for both targets", async () => {
  const denoJson = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  // Instructions only (comments dropped), continuation lines joined.
  const docker = dockerfileText().split("\n").filter((l) => !l.trimStart().startsWith("#"))
    .join("\n").replace(/\\\n/g, " ");
  const compile = docker.match(/deno compile [^\n&]*/)?.[0];
  assert.ok(compile !== undefined, "no deno compile in the Dockerfile");
  const startFlags = permissionFlags(denoJson.tasks.start);
  assert.deepEqual(startFlags, ["-P=agent"]);
  assert.deepEqual(permissionFlags(compile), startFlags);
  for (const part of String(denoJson.tasks.compile).split("&&")) {
    assert.deepEqual(permissionFlags(part), startFlags, part);
  }
  // The integration tests run the agent as `deno task start` does: same flags, same entry point.
  assert.deepEqual([...AGENT_PERMISSION_ARGS].sort(), startFlags);
  const entryPoint = (cmd: string) => cmd.trim().split(/\s+/).at(-1);
  assert.equal(entryPoint(denoJson.tasks.start), "main.ts");
  for (const cmd of [compile, ...String(denoJson.tasks.compile).split("&&")]) {
    assert.equal(entryPoint(cmd), "main.ts", cmd);
  }
  // The scrape Worker module, which `new Worker()` loads and deno compile does not follow, is
  // embedded by every compile command, and is the module ScrapeWorkers starts.
  const worker = "lib/scrape/scrape_worker.ts";
  const workersSource = await Deno.readTextFile(new URL("lib/scrape/scrape_workers.ts", ROOT));
  assert.match(workersSource, /new URL\("\.\/scrape_worker\.ts", import\.meta\.url\)/);
  await Deno.stat(new URL(worker, ROOT));
  for (const cmd of [compile, ...String(denoJson.tasks.compile).split("&&")]) {
    assert.match(cmd, new RegExp(`--include ${worker.replaceAll(".", "\\.")}( |$)`), cmd);
  }
  // Every target of `deno task compile` is built for its Docker architecture.
  const targets = [...String(denoJson.tasks.compile).matchAll(/--target (\S+)/g)].map((m) => m[1]);
  assert.deepEqual(targets.sort(), ["aarch64-unknown-linux-gnu", "x86_64-unknown-linux-gnu"]);
  assert.match(docker, /amd64\) target=x86_64-unknown-linux-gnu/);
  assert.match(docker, /arm64\) target=aarch64-unknown-linux-gnu/);
  // The toolchain is the one the project runs on.
  assert.equal(docker.match(/^ARG DENO_VERSION=(\S+)/m)?.[1], Deno.version.deno);
  assert.match(
    docker,
    /^FROM --platform=\$BUILDPLATFORM denoland\/deno:\$\{DENO_VERSION\} AS build$/m,
  );
  // A glibc base, a non-root user, the agent's port, the compiled binary as entry point.
  assert.match(docker, /^FROM gcr\.io\/distroless\/cc-debian12:nonroot$/m);
  assert.match(docker, /^USER nonroot$/m);
  assert.match(docker, /^EXPOSE 8429$/m);
  const output = compile.match(/--output (\S+)/)?.[1];
  const copied = docker.match(new RegExp(`^COPY --from=build ${output} (\\S+)$`, "m"))?.[1];
  assert.ok(copied !== undefined, "the compiled binary is not copied into the final image");
  assert.equal(docker.match(/^ENTRYPOINT \["([^"]+)"\]$/m)?.[1], copied);
  // Everything main.ts needs is copied into the build stage.
  for (const path of ["deno.json", "deno.lock", "main.ts", "app/", "lib/"]) {
    assert.match(docker, new RegExp(`^COPY .*${path.replace(".", "\\.")}`, "m"), path);
  }
});
