import assert from "node:assert/strict";
import {
  loadConfig,
  type LoadConfigOptions,
  readFileOrHTTP,
} from "../../lib/config/load_config.ts";
import { ConfigError } from "../../lib/util/field_error.ts";

/** An in-memory file system: path -> text. Folders are implied by the paths. */
function memFS(files: Record<string, string>): Pick<LoadConfigOptions, "readTextFile" | "glob"> {
  return {
    readTextFile: (p) =>
      p in files ? Promise.resolve(files[p]) : Promise.reject(new Error(`no such file: ${p}`)),
    glob: {
      readDir: (dir) => {
        const prefix = dir.endsWith("/") ? dir : dir + "/";
        const names = new Set<string>();
        for (const p of Object.keys(files)) {
          if (p.startsWith(prefix)) names.add(p.slice(prefix.length).split("/")[0]);
        }
        return names.size > 0
          ? Promise.resolve([...names])
          : Promise.reject(new Error(`not a folder: ${dir}`));
      },
      exists: (p) => Promise.resolve(p in files),
    },
  };
}

const noEnv = () => undefined;

Deno.test("loadConfig() reads a file, expands %{ENV} placeholders and resolves paths against its folder", async () => {
  const env: Record<string, string> = { JOB: "node", TARGET: "10.0.0.1:9100", EMPTY: "" };
  const cfg = await loadConfig("/etc/vmagent/prometheus.yml", {
    strictParse: true,
    env: (n) => env[n],
    ...memFS({
      "/etc/vmagent/prometheus.yml": "scrape_configs:\n- job_name: %{JOB}%{EMPTY}\n" +
        "  static_configs: [{targets: ['%{TARGET}'], labels: {x: '%{MISSING}'}}]\n  bearer_token_file: tok\n",
    }),
  });
  const sc = cfg.scrapeConfigs[0];
  assert.equal(sc.jobName, "node");
  assert.deepEqual(sc.staticConfigs, [{
    targets: ["10.0.0.1:9100"],
    labels: [["x", "%{MISSING}"]],
  }]);
  assert.equal(sc.http.bearerTokenFile, "/etc/vmagent/tok");
  assert.equal(cfg.source, "/etc/vmagent/prometheus.yml");
  assert.ok(cfg.text.startsWith("scrape_configs:\n- job_name: node\n"));
});

Deno.test("loadConfig() resolves a relative config path against cwd", async () => {
  const cfg = await loadConfig("conf/p.yml", {
    strictParse: true,
    env: noEnv,
    cwd: "/srv/app",
    ...memFS({
      "conf/p.yml": "scrape_configs: [{job_name: a, file_sd_configs: [{files: [t.json]}]}]\n",
    }),
  });
  assert.equal(cfg.baseDir, "/srv/app/conf");
  assert.deepEqual(cfg.scrapeConfigs[0].fileSdConfigs, [{ files: ["/srv/app/conf/t.json"] }]);
});

Deno.test("loadConfig() reads scrape_config_files with globs, in sorted order, skipping unreadable files", async () => {
  const warnings: string[] = [];
  const cfg = await loadConfig("/etc/vmagent/prometheus.yml", {
    strictParse: true,
    env: (n) => (n === "PORT" ? "9100" : undefined),
    onWarning: (m) => warnings.push(m),
    ...memFS({
      "/etc/vmagent/prometheus.yml":
        "scrape_config_files: [jobs/*.yml, /abs/one.yml, missing.yml]\n" +
        "scrape_configs: [{job_name: main}]\n",
      "/etc/vmagent/jobs/b.yml": "- job_name: b\n  static_configs: [{targets: ['h:%{PORT}']}]\n",
      "/etc/vmagent/jobs/a.yml": "- job_name: a\n",
      "/etc/vmagent/jobs/skip.json": "- job_name: nope\n",
      "/abs/one.yml": "- job_name: one\n",
    }),
  });
  assert.deepEqual(cfg.scrapeConfigs.map((j) => j.jobName), ["main", "a", "b", "one"]);
  assert.deepEqual(cfg.scrapeConfigs[2].staticConfigs[0].targets, ["h:9100"]);
  assert.deepEqual(warnings, [
    'skipping "/etc/vmagent/missing.yml" at `scrape_config_files` because of error: no such file: /etc/vmagent/missing.yml',
  ]);
});

Deno.test("loadConfig() names the included file in its errors", async () => {
  const err = await loadConfig("/etc/vmagent/prometheus.yml", {
    strictParse: true,
    env: noEnv,
    onWarning: () => {},
    ...memFS({
      "/etc/vmagent/prometheus.yml": "scrape_config_files: [jobs/*.yml]\n",
      "/etc/vmagent/jobs/a.yml":
        "- job_name: a\n  relabel_configs:\n  - action: keep\n    regexp: x\n",
    }),
  }).catch((e) => e);
  assert.ok(err instanceof ConfigError);
  assert.equal(err.file, "/etc/vmagent/jobs/a.yml");
  assert.equal(err.line, 4);
  assert.equal(err.fieldPath, "[0].relabel_configs[0].regexp");
});

Deno.test("loadConfig() loads a config from an http URL through the injected fetch", async () => {
  const requested: string[] = [];
  const pages: Record<string, string> = {
    "http://cfg.example/v1/prometheus.yml":
      "scrape_config_files: [jobs.yml]\nscrape_configs: [{job_name: '%{NAME}'}]\n",
    "http://cfg.example/v1/jobs.yml":
      "- job_name: included\n  file_sd_configs: [{files: [sd.json]}]\n",
  };
  const fetchStub = ((input: string | URL | Request) => {
    const url = String(input);
    requested.push(url);
    return Promise.resolve(
      url in pages ? new Response(pages[url]) : new Response("not found", { status: 404 }),
    );
  }) as typeof fetch;
  const cfg = await loadConfig("http://cfg.example/v1/prometheus.yml", {
    strictParse: true,
    env: (n) => (n === "NAME" ? "remote" : undefined),
    fetch: fetchStub,
    readTextFile: () => Promise.reject(new Error("must not read files")),
  });
  assert.deepEqual(requested, [
    "http://cfg.example/v1/prometheus.yml",
    "http://cfg.example/v1/jobs.yml",
  ]);
  assert.deepEqual(cfg.scrapeConfigs.map((j) => j.jobName), ["remote", "included"]);
  assert.deepEqual(cfg.scrapeConfigs[1].fileSdConfigs[0].files, ["http://cfg.example/v1/sd.json"]);
  assert.equal(cfg.source, "http://cfg.example/v1/prometheus.yml");
});

Deno.test("loadConfig() throws a ConfigError naming the source when it cannot be read", async () => {
  const f = async (pathOrUrl: string, opts: Partial<LoadConfigOptions>, want: string) => {
    const err = await loadConfig(pathOrUrl, { strictParse: true, env: noEnv, ...opts }).catch((e) =>
      e
    );
    assert.ok(err instanceof ConfigError);
    assert.equal(err.message, want);
  };
  await f(
    "/nope.yml",
    memFS({}),
    "/nope.yml: cannot read Prometheus config: no such file: /nope.yml",
  );
  await f(
    "https://cfg.example/p.yml",
    { fetch: (() => Promise.resolve(new Response("x", { status: 503 }))) as typeof fetch },
    'https://cfg.example/p.yml: cannot read Prometheus config: unexpected status code returned from "https://cfg.example/p.yml": 503',
  );
  await f(
    "/etc/p.yml",
    memFS({ "/etc/p.yml": "scrape_configs:\n- job_name: a\n  scrape_timeout: soon\n" }),
    '/etc/p.yml:3:19: scrape_configs[0].scrape_timeout: cannot parse duration "soon"',
  );
});

Deno.test("readFileOrHTTP() reads a path from disk and a URL over http, without placeholders", async () => {
  const asked: string[] = [];
  const opts = {
    readTextFile: (p: string) => {
      asked.push(`file ${p}`);
      return Promise.resolve("from disk %{X}");
    },
    fetch: (input: string | URL | Request) => {
      asked.push(`url ${String(input)}`);
      const ok = String(input).endsWith("/kubeconfig");
      return Promise.resolve(
        new Response(ok ? "from http %{X}" : "nope", { status: ok ? 200 : 404 }),
      );
    },
  } as Parameters<typeof readFileOrHTTP>[1];
  assert.equal(await readFileOrHTTP("/etc/kube/config", opts), "from disk %{X}");
  assert.equal(await readFileOrHTTP("https://cfg.test/kubeconfig", opts), "from http %{X}");
  await assert.rejects(
    readFileOrHTTP("http://cfg.test/missing", opts),
    { message: 'unexpected status code returned from "http://cfg.test/missing": 404' },
  );
  assert.deepEqual(asked, [
    "file /etc/kube/config",
    "url https://cfg.test/kubeconfig",
    "url http://cfg.test/missing",
  ]);
});
