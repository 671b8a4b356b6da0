/**
 * End to end: `kubernetes_sd_configs` with `kubeconfig_file` against a Kubernetes API server
 * served over HTTPS from the test process (the recorded `pods.json` list, watches left open),
 * driven through `main.ts` as a user runs it. The kubeconfig carries the CA as
 * `certificate-authority-data` and either a user token or, for mutual TLS, the client
 * certificate as `client-certificate-data`/`client-key-data`. A kubeconfig with the wrong CA,
 * or without the client certificate the server requires, yields no targets and an error on
 * `/service-discovery` and in the log, and the agent keeps running.
 *
 * Certificates: `tests/testdata/scrape/tls/` (`server-ip.pem` for IP 127.0.0.1, signed by
 * `mtls-ca.pem`; `ca.pem` is an unrelated CA; `client.pem` is signed by `mtls-ca.pem`).
 * `Deno.serve` cannot ask for client certificates, so the mutual TLS server is `node:https`.
 */
import assert from "node:assert/strict";
import nodeHttps from "node:https";
import type { TLSSocket } from "node:tls";
import { FakeApi } from "../discovery/kubernetes/_fake_api.ts";
import { fixtureText } from "../discovery/kubernetes/_util.ts";
import { activeTargets, type ApiTarget, type LiveAgent, startLiveAgent } from "./_agent_run.ts";
import { REPO_ROOT, tempDir, tryGetText, waitFor } from "./_peers.ts";

const TLS_DIR = `${REPO_ROOT}tests/testdata/scrape/tls/`;
const pem = (name: string) => Deno.readTextFileSync(TLS_DIR + name);

/** The one target vmagent discovers from the etcd-m01 pod of `pods.json` (role pod). */
const ETCD_DISCOVERED: Record<string, string> = {
  "__address__": "172.17.0.2:1234",
  "__meta_kubernetes_namespace": "kube-system",
  "__meta_kubernetes_pod_annotation_kubernetes_io_config_hash": "3ec997b76fb6ed3b78da8e0b5676dac4",
  "__meta_kubernetes_pod_annotation_kubernetes_io_config_mirror":
    "3ec997b76fb6ed3b78da8e0b5676dac4",
  "__meta_kubernetes_pod_annotation_kubernetes_io_config_seen": "2020-03-16T20:44:26.538136233Z",
  "__meta_kubernetes_pod_annotation_kubernetes_io_config_source": "file",
  "__meta_kubernetes_pod_annotationpresent_kubernetes_io_config_hash": "true",
  "__meta_kubernetes_pod_annotationpresent_kubernetes_io_config_mirror": "true",
  "__meta_kubernetes_pod_annotationpresent_kubernetes_io_config_seen": "true",
  "__meta_kubernetes_pod_annotationpresent_kubernetes_io_config_source": "true",
  "__meta_kubernetes_pod_container_id":
    "docker://a28f0800855008485376c1eece1cf61de97cb7026b9188d138b0d55d92fc2f5c",
  "__meta_kubernetes_pod_container_image": "k8s.gcr.io/etcd:3.4.3-0",
  "__meta_kubernetes_pod_container_init": "false",
  "__meta_kubernetes_pod_container_name": "etcd",
  "__meta_kubernetes_pod_container_port_name": "foobar",
  "__meta_kubernetes_pod_container_port_number": "1234",
  "__meta_kubernetes_pod_container_port_protocol": "TCP",
  "__meta_kubernetes_pod_controller_kind": "Node",
  "__meta_kubernetes_pod_controller_name": "m01",
  "__meta_kubernetes_pod_host_ip": "172.17.0.2",
  "__meta_kubernetes_pod_ip": "172.17.0.2",
  "__meta_kubernetes_pod_label_component": "etcd",
  "__meta_kubernetes_pod_label_tier": "control-plane",
  "__meta_kubernetes_pod_labelpresent_component": "true",
  "__meta_kubernetes_pod_labelpresent_tier": "true",
  "__meta_kubernetes_pod_name": "etcd-m01",
  "__meta_kubernetes_pod_node_name": "test-node",
  "__meta_kubernetes_pod_phase": "Running",
  "__meta_kubernetes_pod_ready": "true",
  "__meta_kubernetes_pod_uid": "9d328156-75d1-411a-bdd0-aeacb53a38de",
};

/** A fake API server answering the pod list from `pods.json`; watches stay open. */
function podsApi(): FakeApi {
  return new FakeApi().list("/api/v1/pods", fixtureText("pods.json"));
}

/** An HTTPS API server on a free loopback port. */
interface HttpsApi extends AsyncDisposable {
  /** `https://127.0.0.1:<port>` */
  url: string;
  api: FakeApi;
  /** The common name of the client certificate of each request ("" without one). */
  clientNames: string[];
}

/**
 * Serves `api` with `Deno.serve` over TLS (certificate for IP 127.0.0.1 from mtls-ca.pem).
 * Open watch streams end when the agent goes away (the body is cancelled) or on dispose.
 */
function denoHttpsApi(api: FakeApi): HttpsApi {
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: pem("server-ip.pem"),
    key: pem("server-ip-key.pem"),
    onListen: () => {},
  }, (req) => api.fetch(req.url, { method: req.method, headers: req.headers }));
  return {
    url: `https://127.0.0.1:${server.addr.port}`,
    api,
    clientNames: [],
    async [Symbol.asyncDispose]() {
      await api.close();
      await server.shutdown();
    },
  };
}

/**
 * Serves `api` with `node:https`, requiring a client certificate from mtls-ca.pem (a
 * connection without one is refused during the handshake).
 */
async function mtlsHttpsApi(api: FakeApi): Promise<HttpsApi> {
  const clientNames: string[] = [];
  const server = nodeHttps.createServer({
    cert: pem("server-ip.pem"),
    key: pem("server-ip-key.pem"),
    ca: pem("mtls-ca.pem"),
    requestCert: true,
    rejectUnauthorized: true,
  }, async (req, res) => {
    clientNames.push((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? "");
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === "string") headers.set(k, v);
    }
    try {
      const r = await api.fetch(`https://127.0.0.1${req.url}`, {
        method: req.method,
        headers,
        signal: abort.signal,
      });
      res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "" });
      for await (const chunk of r.body ?? []) res.write(chunk);
    } catch {
      // the client went away (an open watch when the agent stops)
    }
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `https://127.0.0.1:${port}`,
    api,
    clientNames,
    async [Symbol.asyncDispose]() {
      await api.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A kubeconfig whose current context reaches `server` as user `u` with these credentials. */
function kubeconfig(
  server: string,
  user: { ca: string; token?: string; cert?: string; key?: string },
): string {
  const q = JSON.stringify;
  const b64 = (name: string) => q(btoa(pem(name)));
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: test",
    "  cluster:",
    `    server: ${q(server)}`,
    `    certificate-authority-data: ${b64(user.ca)}`,
    "users:",
    "- name: u",
    "  user:",
    ...(user.token === undefined ? [] : [`    token: ${q(user.token)}`]),
    ...(user.cert === undefined ? [] : [`    client-certificate-data: ${b64(user.cert)}`]),
    ...(user.key === undefined ? [] : [`    client-key-data: ${b64(user.key)}`]),
    "contexts:",
    "- name: c",
    "  context: {cluster: test, user: u}",
    "current-context: c",
    "",
  ].join("\n");
}

/**
 * Writes one kubeconfig per job and a scrape config with a `kubernetes_sd_configs` role pod
 * job for each. Discovered addresses are rewritten to a closed loopback port (the fixture
 * pod's 172.17.0.2 is never contacted) and kept in `pod_address`.
 */
async function writeConfig(dir: string, jobs: Record<string, string>): Promise<string> {
  let text = "scrape_configs:\n";
  for (const [job, kc] of Object.entries(jobs)) {
    const file = `${dir}/${job}.kubeconfig`;
    await Deno.writeTextFile(file, kc);
    text += `- job_name: ${job}
  scrape_interval: 1h
  kubernetes_sd_configs:
  - role: pod
    kubeconfig_file: ${JSON.stringify(file)}
  relabel_configs:
  - source_labels: [__address__]
    target_label: pod_address
  - target_label: __address__
    replacement: 127.0.0.1:9
`;
  }
  const path = `${dir}/scrape.yml`;
  await Deno.writeTextFile(path, text);
  return path;
}

/** The `__address__` and `__meta_kubernetes_*` labels of a target's discovered labels. */
function discovered(t: ApiTarget & { discoveredLabels?: Record<string, string> }) {
  return Object.fromEntries(
    Object.entries(t.discoveredLabels ?? {}).filter(([k]) =>
      k === "__address__" || k.startsWith("__meta_kubernetes_")
    ),
  );
}

/** Waits for the active targets of `job` to be non-empty and returns them. */
function targetsOf(agent: LiveAgent, job: string): Promise<ApiTarget[]> {
  return waitFor(`targets of job ${job}`, async () => {
    const ts = (await activeTargets(agent.base)).filter((t) => t.scrapePool === job);
    return ts.length > 0 ? ts : undefined;
  }, 20_000);
}

/** Asserts the job's only target is the etcd-m01 pod with its exact discovered labels. */
function assertEtcdTarget(targets: ApiTarget[], job: string): void {
  assert.equal(targets.length, 1, JSON.stringify(targets));
  assert.deepEqual(discovered(targets[0]), ETCD_DISCOVERED);
  assert.equal(targets[0].labels.job, job);
  assert.equal(targets[0].labels.pod_address, "172.17.0.2:1234");
  assert.equal(targets[0].labels.instance, "127.0.0.1:9");
}

/** The HTML-unescaped text of the error boxes under job `job` on `/service-discovery`. */
async function discoveryErrors(agent: LiveAgent, job: string): Promise<string[]> {
  const html = await tryGetText(`${agent.base}/service-discovery`);
  if (html === undefined) throw new Error("cannot read /service-discovery");
  const start = html.indexOf(`<h2>${job} (`);
  if (start < 0) return [];
  const next = html.indexOf("<h2>", start + 1);
  const section = html.slice(start, next < 0 ? undefined : next);
  const unescape = (s: string) =>
    s.replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&lt;", "<")
      .replaceAll("&gt;", ">").replaceAll("&amp;", "&");
  return [...section.matchAll(/<div class="error">([^<]*)<\/div>/g)].map((m) => unescape(m[1]));
}

/** Waits for a discovery error of `job` on `/service-discovery` matching `re`. */
function discoveryError(agent: LiveAgent, job: string, re: RegExp): Promise<string> {
  return waitFor(
    `a discovery error of job ${job} matching ${re}`,
    async () => (await discoveryErrors(agent, job)).find((e) => re.test(e)),
    20_000,
  );
}

/** Asserts the agent process is still running and serving `/health`. */
async function assertAlive(agent: LiveAgent): Promise<void> {
  const exited = await Promise.race([
    agent.proc.status.then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), 0)),
  ]);
  assert.equal(exited, false, `the agent exited:\n${agent.proc.output()}`);
  assert.equal(await tryGetText(`${agent.base}/health`), "OK");
}

Deno.test({
  name: "main.ts discovers pods over HTTPS with a kubeconfig CA and token, and not with a wrong CA",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const token = "kubeconfig-token-S3cr";
    await using good = denoHttpsApi(podsApi());
    await using other = denoHttpsApi(podsApi());
    await using dir = await tempDir();
    const config = await writeConfig(dir.path, {
      "k8s-token": kubeconfig(good.url, { ca: "mtls-ca.pem", token }),
      // ca.pem did not sign server-ip.pem: the handshake fails before any request is sent.
      "k8s-wrong-ca": kubeconfig(other.url, { ca: "ca.pem", token }),
    });
    await using agent = await startLiveAgent([
      `-promscrape.config=${config}`,
      `-remoteWrite.tmpDataPath=${dir.path}/rw`,
    ]);

    assertEtcdTarget(await targetsOf(agent, "k8s-token"), "k8s-token");
    // A list, then a watch from its resourceVersion, both with the kubeconfig's token.
    await good.api.waitForRequests(2);
    const [list, watch] = good.api.requests;
    assert.equal(list.url, "/api/v1/pods?resourceVersion=0&resourceVersionMatch=NotOlderThan");
    assert.match(watch.url, /^\/api\/v1\/pods\?watch=1&.*resourceVersion=72425$/);
    for (const r of good.api.requests) {
      assert.equal(r.headers.get("authorization"), `Bearer ${token}`, r.url);
    }

    // The error names the list request and the reason: the certificate, not just "fetch failed".
    const listError = (url: string) =>
      new RegExp(`cannot list objects from "${url}/api/v1/pods\\?[^"]*": `);
    const err = await discoveryError(agent, "k8s-wrong-ca", listError(other.url));
    assert.match(err, /certificate/i);
    const logLine = agent.proc.output().split("\n").find((l) => listError(other.url).test(l));
    assert.match(logLine ?? "", /\berror\b.*certificate/i);
    assert.deepEqual(other.api.requests, [], "the token went to a server the CA did not vouch for");
    const all = await activeTargets(agent.base);
    assert.deepEqual(all.filter((t) => t.scrapePool === "k8s-wrong-ca"), []);
    assert.deepEqual(await discoveryErrors(agent, "k8s-token"), []);
    await assertAlive(agent);

    // The token is a secret: in no log line and on no page.
    for (const page of ["/service-discovery", "/targets", "/config", "/api/v1/targets"]) {
      const text = await tryGetText(`${agent.base}${page}`);
      assert.ok(text !== undefined && !text.includes(token), page);
    }
    assert.ok(!agent.proc.output().includes(token), "the token was logged");
  },
});

Deno.test({
  name: "main.ts discovers pods over mutual TLS with a kubeconfig client certificate",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using srv = await mtlsHttpsApi(podsApi());
    await using dir = await tempDir();
    const config = await writeConfig(dir.path, {
      "k8s-mtls": kubeconfig(srv.url, {
        ca: "mtls-ca.pem",
        cert: "client.pem",
        key: "client-key.pem",
      }),
      // Right CA, a token, but no client certificate: the server refuses the connection.
      "k8s-no-cert": kubeconfig(srv.url, { ca: "mtls-ca.pem", token: "unused" }),
    });
    await using agent = await startLiveAgent([
      `-promscrape.config=${config}`,
      `-remoteWrite.tmpDataPath=${dir.path}/rw`,
    ]);

    assertEtcdTarget(await targetsOf(agent, "k8s-mtls"), "k8s-mtls");
    await srv.api.waitForRequests(2);
    assert.equal(
      srv.api.requests[0].url,
      "/api/v1/pods?resourceVersion=0&resourceVersionMatch=NotOlderThan",
    );
    // Every request that got through came with the client certificate and without a token.
    assert.ok(srv.clientNames.length >= 2, `${srv.clientNames}`);
    assert.ok(
      srv.clientNames.every((cn) => cn === "vmagent-deno scrape client"),
      `${srv.clientNames}`,
    );
    for (const r of srv.api.requests) assert.equal(r.headers.get("authorization"), null, r.url);

    const listError = new RegExp(`cannot list objects from "${srv.url}/api/v1/pods\\?[^"]*": .+`);
    // The server's alert, CertificateRequired, says why.
    assert.match(await discoveryError(agent, "k8s-no-cert", listError), /certificate/i);
    const all = await activeTargets(agent.base);
    assert.deepEqual(all.filter((t) => t.scrapePool === "k8s-no-cert"), []);
    assert.ok(!srv.api.requests.some((r) => r.headers.has("authorization")));
    await assertAlive(agent);
  },
});

Deno.test({
  name: "main.ts reads kubeconfig_file from an http URL, as vmagent does",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using api = denoHttpsApi(podsApi());
    await using dir = await tempDir();
    const kc = kubeconfig(api.url, { ca: "mtls-ca.pem", token: "url-token" });
    const served: string[] = [];
    const kcServer = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
      served.push(new URL(req.url).pathname);
      return new URL(req.url).pathname === "/kubeconfig"
        ? new Response(kc)
        : new Response("not found", { status: 404 });
    });
    try {
      const config = `${dir.path}/scrape.yml`;
      await Deno.writeTextFile(
        config,
        `scrape_configs:
- job_name: k8s-url
  scrape_interval: 1h
  kubernetes_sd_configs:
  - role: pod
    kubeconfig_file: http://127.0.0.1:${kcServer.addr.port}/kubeconfig
  relabel_configs:
  - source_labels: [__address__]
    target_label: pod_address
  - target_label: __address__
    replacement: 127.0.0.1:9
`,
      );
      await using agent = await startLiveAgent([
        `-promscrape.config=${config}`,
        `-remoteWrite.tmpDataPath=${dir.path}/rw`,
      ]);
      assertEtcdTarget(await targetsOf(agent, "k8s-url"), "k8s-url");
      assert.ok(served.includes("/kubeconfig"), served.join(","));
      await api.api.waitForRequests(1);
      assert.equal(api.api.requests[0].headers.get("authorization"), "Bearer url-token");
    } finally {
      await kcServer.shutdown();
    }
  },
});
