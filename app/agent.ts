/**
 * The running agent: wires flags -> config -> discovery -> targets -> scrape ->
 * remote write, the HTTP server, config reloads and the graceful shutdown.
 * Like vmagent's `app/vmagent`, it only wires: every behaviour lives in `lib/`.
 *
 * @module
 */
import {
  type ClusterOptions,
  registerClusterMetrics,
  validateClusterOptions,
} from "../lib/cluster/mod.ts";
import { type Config, loadConfig, parseConfig } from "../lib/config/mod.ts";
import { DiscoveryManager } from "../lib/discovery/manager.ts";
import { createKubernetesDiscoverer } from "../lib/discovery/kubernetes/mod.ts";
import type { KubernetesSDConfig } from "../lib/config/types.ts";
import { type AgentFlags, describeFlags, formatFlagsPage } from "../lib/flags/mod.ts";
import { type ResourceInfo, writeAppMetrics } from "../lib/metrics/app_metrics.ts";
import {
  allowedMemory,
  availableCPUs,
  readCPUQuota,
  readMemoryLimit,
} from "../lib/metrics/resources.ts";
import { metrics } from "../lib/metrics/registry.ts";
import { parseSeriesSelector } from "../lib/relabel/mod.ts";
import type { RemoteWrite } from "../lib/remotewrite/remote_write.ts";
import {
  loadRemoteWriteRelabelRules,
  remoteWriteOptionsFromFlags,
  type RemoteWriteRelabelRules,
} from "../lib/remotewrite/from_flags.ts";
import { ScrapePool } from "../lib/scrape/scrape_pool.ts";
import { ScrapeWorkers } from "../lib/scrape/scrape_workers.ts";
import type { HeapStats } from "../lib/metrics/process.ts";
import { HealthState } from "../lib/server/health_state.ts";
import { createHandler } from "../lib/server/router.ts";
import { type RunningServer, serve } from "../lib/server/serve.ts";
import { clusterApiHandler, clusterPageHandler } from "../lib/server/cluster_page.ts";
import { serviceDiscoveryPageHandler } from "../lib/server/service_discovery_page.ts";
import { targetsApiHandler } from "../lib/server/targets_api.ts";
import { targetsPageHandler } from "../lib/server/targets_page.ts";
import { ScrapePoolTargetsGauges } from "../lib/targets/registry.ts";
import type { ScrapeTarget } from "../lib/targets/types.ts";
import type { EnvLookup } from "../lib/util/envtemplate.ts";
import { getLogger } from "../lib/util/log.ts";
import type { Label } from "../lib/util/series.ts";
import { DEFAULT_CONFIG_SOURCE, defaultConfigText } from "./default_config.ts";
import { openRemoteWrite } from "./open_remote_write.ts";
import { ScrapeRunner } from "./scrape_runner.ts";
import {
  clusterFlags,
  loggerOptions,
  routerFlagOptions,
  scrapePoolOptions,
  serveOptions,
  withAttachMetadataFlags,
  workerPoolOptions,
} from "./options.ts";
import { systemHostname, systemMemory } from "./system.ts";
import { SHORT_VERSION, VERSION } from "./version.ts";

const log = getLogger("vmagent");

/** What the agent needs from its environment; tests and main.ts pass the real ones. */
export interface AgentOptions {
  flags: AgentFlags;
  /** Environment lookup for `%{ENV}` placeholders in config files. */
  env: EnvLookup;
}

/** Loads `-promscrape.config`, or the embedded default when it is not set. */
export async function loadScrapeConfig(flags: AgentFlags, env: EnvLookup): Promise<Config> {
  const path = flags.get("promscrape.config");
  const strictParse = flags.get("promscrape.config.strictParse");
  if (path === "") {
    // The first address the server listens on, with its own -tls (vmagent's flags are per address).
    const addrs = flags.get("httpListenAddr");
    const i = Math.max(0, addrs.findIndex((a) => a !== ""));
    const text = defaultConfigText(addrs[i] ?? ":8429", {
      pathPrefix: flags.get("http.pathPrefix"),
      tls: flags.getArg("tls", i),
      basicAuth: {
        username: flags.get("httpAuth.username"),
        password: flags.get("httpAuth.password"),
      },
    });
    return parseConfig(text, { file: DEFAULT_CONFIG_SOURCE, strictParse });
  }
  return await loadConfig(path, { strictParse, env });
}

/** Loads `-remoteWrite.relabelConfig` and `-remoteWrite.urlRelabelConfig` (item i for URL i). */
export function loadRemoteWriteRelabeling(
  flags: AgentFlags,
  env: EnvLookup,
): Promise<RemoteWriteRelabelRules> {
  return loadRemoteWriteRelabelRules(flags, { env });
}

/** The agent's running parts. */
export class Agent {
  readonly #flags: AgentFlags;
  readonly #env: EnvLookup;
  readonly #cluster: ClusterOptions;
  readonly #health = new HealthState();
  // When the runtime started, as vmagent's start time is its process's: module loading and
  // config parsing happen after it.
  readonly #startTime = Math.floor(performance.timeOrigin);
  #config: Config;
  #remoteWrite!: RemoteWrite;
  #pool!: ScrapeRunner;
  #workers?: ScrapeWorkers;
  #poolTargets?: ScrapePoolTargetsGauges;
  #manager!: DiscoveryManager;
  #server?: RunningServer;
  #reloading: Promise<void> = Promise.resolve();
  #checkTimer?: ReturnType<typeof setInterval>;
  #stopping?: Promise<void>;
  #rwRelabelTexts = { global: "", perURL: [] as string[] };
  #resources?: ResourceInfo;

  private constructor(opts: AgentOptions, cluster: ClusterOptions, config: Config) {
    this.#flags = opts.flags;
    this.#env = opts.env;
    this.#cluster = cluster;
    this.#config = config;
  }

  /**
   * Validates the cluster flags and loads the config; throws a one-line error on bad input.
   * Nothing is started yet.
   */
  static async prepare(opts: AgentOptions): Promise<Agent> {
    const cluster = validateClusterOptions(clusterFlags(opts.flags));
    const config = await loadScrapeConfig(opts.flags, opts.env);
    return new Agent(opts, cluster, config);
  }

  /** The loaded config. */
  get config(): Config {
    return this.#config;
  }

  /** The validated cluster options. */
  get cluster(): ClusterOptions {
    return this.#cluster;
  }

  /** Starts remote write, scraping, discovery and the HTTP server. */
  async start(): Promise<void> {
    const flags = this.#flags;
    registerClusterMetrics(this.#cluster);
    const relabel = await loadRemoteWriteRelabeling(flags, this.#env);
    await this.#readRelabelTexts();
    const memLimit = readMemoryLimit({ totalMemory: systemMemory() });
    const mem = allowedMemory(memLimit, {
      allowedPercent: flags.get("memory.allowedPercent"),
      allowedBytes: flags.get("memory.allowedBytes"),
    });
    // Without a readable quota, the cores are what the runtime reports (it honours a cgroup's
    // CPU quota itself), as vmagent falls back to runtime.NumCPU().
    const quota = readCPUQuota();
    const cores = Math.max(1, navigator.hardwareConcurrency || 1);
    this.#resources = {
      memoryLimit: memLimit,
      allowedMemory: mem.allowed,
      cpuQuota: quota > 0 ? quota : cores,
      availableCPUs: availableCPUs(quota, cores),
    };
    if (flags.isSet("remoteWrite.retryMaxTime")) {
      log.warn(
        "-remoteWrite.retryMaxTime is deprecated; use -remoteWrite.retryMaxInterval instead",
      );
    }
    this.#remoteWrite = await openRemoteWrite(
      remoteWriteOptionsFromFlags(flags, { rules: relabel, memoryAllowed: mem.allowed }),
    );
    const sink = this.#remoteWrite;
    const workers = flags.get("promscrape.workers");
    if (workers > 0) {
      this.#workers = new ScrapeWorkers({
        count: workers,
        sink,
        logger: loggerOptions(flags),
        appVersion: VERSION,
      });
    }
    this.#pool = new ScrapeRunner(this.#config, {
      newPool: (config) =>
        this.#workers?.newPool(workerPoolOptions(flags, this.#cluster, config)) ??
          new ScrapePool(scrapePoolOptions(flags, this.#cluster, { sink, config })),
    });
    this.#manager = new DiscoveryManager({
      cluster: this.#cluster,
      maxDroppedTargets: flags.get("promscrape.maxDroppedTargets"),
      dropOriginalLabels: flags.get("promscrape.dropOriginalLabels"),
      suppressDuplicateScrapeTargetErrors: flags.get(
        "promscrape.suppressDuplicateScrapeTargetErrors",
      ),
      fileSDCheckInterval: flags.get("promscrape.fileSDCheckInterval"),
      lookupEnv: this.#env,
      onTargets: (active: ScrapeTarget[]) => this.#pool.sync(active),
    });
    this.#manager.registerDiscoverer(
      "kubernetes_sd_configs",
      (sd, ctx) =>
        createKubernetesDiscoverer(withAttachMetadataFlags(sd as KubernetesSDConfig, flags), {
          baseDir: configDir(ctx.config.source),
          env: this.#env,
          apiServerTimeout: flags.get("promscrape.kubernetes.apiServerTimeout"),
        }),
    );
    this.#poolTargets = new ScrapePoolTargetsGauges({
      view: this.#manager,
      statusOf: (key) => this.#pool.statusOf(key),
      registry: metrics,
    });
    this.#manager.update(this.#config);
    this.#poolTargets.setJobs(jobNames(this.#config));
    log.info(
      `loaded ${this.#config.scrapeConfigs.length} scrape configs from ${this.#config.source}`,
    );
    if (flags.get("promscrape.config") === "" && flags.get("metricsAuthKey") !== "") {
      // The key would have to be in the scrape URL, shown on /config and the target pages.
      log.warn(
        "the embedded config cannot scrape /metrics behind -metricsAuthKey without showing " +
          "the key on /config and /targets; its scrapes get 401 (set -promscrape.config to " +
          "scrape /metrics with authKey in params)",
      );
    }
    const nowSecs = Math.floor(Date.now() / 1000);
    // Registered at 0 so that increase() sees the first reload.
    metrics.counter("vm_promscrape_config_reloads_total");
    metrics.counter("vm_promscrape_config_reloads_errors_total");
    metrics.gauge("vm_promscrape_config_last_reload_successful").set(1);
    metrics.gauge("vm_promscrape_config_last_reload_success_timestamp_seconds").set(nowSecs);
    if (this.#hasRelabelFiles()) {
      metrics.counter("vmagent_relabel_config_reloads_total");
      metrics.counter("vmagent_relabel_config_reloads_errors_total");
      metrics.gauge("vmagent_relabel_config_last_reload_successful").set(1);
      metrics.gauge("vmagent_relabel_config_last_reload_success_timestamp_seconds").set(nowSecs);
    }
    this.#server = this.#startServer();
    const every = flags.get("promscrape.configCheckInterval");
    if (every > 0) {
      this.#checkTimer = setInterval(() => this.reload({ periodic: true }), every);
    }
  }

  #startServer(): RunningServer | undefined {
    const flags = this.#flags;
    const listen = serveOptions(flags);
    if (listen.listenAddrs!.every((a) => a === "")) {
      log.info("-httpListenAddr is empty: the HTTP server is not started");
      return undefined;
    }
    const view = this.#manager;
    const statusOf = (key: string) => this.#pool.statusOf(key);
    const statusOpts = { view, statusOf };
    const pageOpts = {
      ...statusOpts,
      dropOriginalLabels: flags.get("promscrape.dropOriginalLabels"),
      compileSelector: (text: string) => {
        const sel = parseSeriesSelector(text);
        return (labels: readonly Label[]) => sel.matches(labels);
      },
    };
    const flagInfos = describeFlags(flags);
    const handler = createHandler({
      ...routerFlagOptions(flags, systemHostname()),
      version: VERSION,
      health: this.#health,
      auth: {
        username: flags.get("httpAuth.username"),
        password: flags.get("httpAuth.password"),
        metricsAuthKey: flags.get("metricsAuthKey"),
        flagsAuthKey: flags.get("flagsAuthKey"),
        configAuthKey: flags.get("configAuthKey"),
        reloadAuthKey: flags.get("reloadAuthKey"),
      },
      pendingScrapeConfigs: () => this.#manager.pendingCount(),
      metricsText: () =>
        writeAppMetrics({
          version: VERSION,
          shortVersion: SHORT_VERSION,
          startTimeMs: this.#startTime,
          flags: () => flagInfos,
          heap: () => sumHeaps(Deno.memoryUsage(), this.#workers?.heapStats()),
          resources: this.#resources,
        }),
      flagsText: () => formatFlagsPage(flags),
      configText: () => this.#config.maskedYaml,
      remoteWriteRelabelConfigText: () => this.#rwRelabelTexts.global,
      remoteWriteURLRelabelConfigText: () => this.#rwRelabelTexts.perURL.join("\n---\n"),
      reload: () => this.reload(),
      targetResponse: async (id: string) => {
        if (!this.#pool.targets().some((t) => t.id === id)) return undefined;
        return await this.#pool.scrapeOnce(id);
      },
      pages: {
        targets: targetsPageHandler(pageOpts),
        apiTargets: targetsApiHandler(statusOpts),
        serviceDiscovery: serviceDiscoveryPageHandler(pageOpts),
        cluster: clusterPageHandler(statusOpts),
        apiCluster: clusterApiHandler(statusOpts),
      },
      ingest: {
        // vmagent's TryPush: a blocked stateless queue refuses (429) rather than dropping,
        // unless -remoteWrite.dropSamplesOnOverload says to drop (204).
        sink: { push: (series) => this.#remoteWrite.tryPush(series) },
        maxInsertRequestSize: flags.get("maxInsertRequestSize"),
      },
    });
    return serve(handler, { ...listen, health: this.#health });
  }

  /** The server's first listen address (`host:port`), once started. */
  get listenAddr(): string | undefined {
    return this.#server?.addr;
  }

  async #readRelabelTexts(): Promise<void> {
    const read = async (p: string) => p === "" ? "" : await Deno.readTextFile(p).catch(() => "");
    const flags = this.#flags;
    this.#rwRelabelTexts.global = await read(flags.get("remoteWrite.relabelConfig"));
    const perURL: string[] = [];
    for (let i = 0; i < flags.get("remoteWrite.url").length; i++) {
      perURL.push(await read(flags.getArg("remoteWrite.urlRelabelConfig", i)));
    }
    this.#rwRelabelTexts.perURL = perURL;
  }

  /**
   * Re-reads the scrape config (SIGHUP, `/-/reload`, `-promscrape.configCheckInterval`) and,
   * except for the periodic check, the remote write relabel files, each on its own as vmagent
   * does: a broken relabel file does not block a scrape config change, nor the reverse.
   * Identical content is a no-op; an invalid new file is logged and the running one is kept.
   * Reloads never overlap.
   */
  reload(opts: { periodic?: boolean } = {}): Promise<void> {
    const periodic = opts.periodic ?? false;
    this.#reloading = this.#reloading.then(async () => {
      if (this.#stopping) return;
      if (!periodic) await this.#reloadRelabeling();
      await this.#reloadScrapeConfig(periodic);
    });
    return this.#reloading;
  }

  /** vmagent's `vm_promscrape_config_*` semantics: `reloads_total` counts applied changes only. */
  async #reloadScrapeConfig(periodic: boolean): Promise<void> {
    let next: Config;
    try {
      next = await loadScrapeConfig(this.#flags, this.#env);
    } catch (e) {
      metrics.counter("vm_promscrape_config_reloads_errors_total").inc();
      metrics.gauge("vm_promscrape_config_last_reload_successful").set(0);
      log.error(
        `cannot reload config; keeping the previous one: ${e instanceof Error ? e.message : e}`,
      );
      return;
    }
    metrics.gauge("vm_promscrape_config_last_reload_successful").set(1);
    if (next.text === this.#config.text) {
      // The periodic check stays quiet, as vmagent's does.
      if (!periodic) log.info(`nothing changed in ${next.source}`);
      return;
    }
    this.#config = next;
    // First, so that the targets the update yields start in the pool with the new labels.
    this.#pool.setConfig(next);
    this.#manager.update(next);
    this.#poolTargets?.setJobs(jobNames(next));
    metrics.counter("vm_promscrape_config_reloads_total").inc();
    metrics.gauge("vm_promscrape_config_last_reload_success_timestamp_seconds").set(
      Math.floor(Date.now() / 1000),
    );
    log.info(`reloaded ${next.scrapeConfigs.length} scrape configs from ${next.source}`);
  }

  /** vmagent's `vmagent_relabel_config_*` semantics; nothing happens when no file is set. */
  async #reloadRelabeling(): Promise<void> {
    if (!this.#hasRelabelFiles()) return;
    metrics.counter("vmagent_relabel_config_reloads_total").inc();
    let relabel: RemoteWriteRelabelRules;
    try {
      relabel = await loadRemoteWriteRelabeling(this.#flags, this.#env);
    } catch (e) {
      metrics.counter("vmagent_relabel_config_reloads_errors_total").inc();
      metrics.gauge("vmagent_relabel_config_last_reload_successful").set(0);
      log.error(
        `cannot reload relabel configs; keeping the previous ones: ${
          e instanceof Error ? e.message : e
        }`,
      );
      return;
    }
    this.#remoteWrite.setRelabelRules(relabel.global, relabel.perURL);
    await this.#readRelabelTexts();
    metrics.gauge("vmagent_relabel_config_last_reload_successful").set(1);
    metrics.gauge("vmagent_relabel_config_last_reload_success_timestamp_seconds").set(
      Math.floor(Date.now() / 1000),
    );
    log.info("reloaded -remoteWrite.relabelConfig and -remoteWrite.urlRelabelConfig");
  }

  #hasRelabelFiles(): boolean {
    const flags = this.#flags;
    if (flags.get("remoteWrite.relabelConfig") !== "") return true;
    return flags.get("remoteWrite.url").some((_, i) =>
      flags.getArg("remoteWrite.urlRelabelConfig", i) !== ""
    );
  }

  /**
   * Graceful stop: `/health` answers 503 for `-http.shutdownDelay`, the server stops,
   * scrapers stop without staleness markers, pending data goes to the queues.
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      if (this.#checkTimer !== undefined) clearInterval(this.#checkTimer);
      log.info("received a stop signal; stopping gracefully");
      await this.#server?.shutdown();
      await this.#manager?.stop();
      await this.#pool?.stop();
      this.#workers?.close();
      this.#poolTargets?.close();
      await this.#remoteWrite?.close();
      log.info("stopped");
    })();
    return this.#stopping;
  }
}

function sumHeaps(main: HeapStats, workers: HeapStats | undefined): HeapStats {
  if (workers === undefined) return main;
  return {
    heapTotal: main.heapTotal + workers.heapTotal,
    heapUsed: main.heapUsed + workers.heapUsed,
    external: main.external + workers.external,
  };
}

function jobNames(config: Config): string[] {
  return config.scrapeConfigs.map((j) => j.jobName);
}

/** The folder of a config file path ("." for URLs and the embedded default). */
function configDir(source: string): string {
  if (/^https?:\/\//.test(source) || source.startsWith("(")) return ".";
  const i = source.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : source.slice(0, i);
}
