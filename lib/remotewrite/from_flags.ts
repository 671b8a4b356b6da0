/**
 * Builds {@linkcode RemoteWriteOptions} from parsed `-remoteWrite.*` flags, picking
 * each per-URL array flag's item as vmagent's `GetOptionalArg` does, and loads the
 * relabel config files (`-remoteWrite.relabelConfig`, `-remoteWrite.urlRelabelConfig`).
 *
 * @module
 */
import { loadRelabelConfigFile } from "../config/relabel_config_file.ts";
import type { ReadOptions } from "../config/load_config.ts";
import type { ParsedFlags, VmagentFlagSpecs } from "../flags/mod.ts";
import type { RelabelRule } from "../relabel/types.ts";
import type { RemoteWriteOptions, RemoteWriteURLOptions } from "./options.ts";

/** Compiled relabel rules of remote write: global and per URL (undefined: none for that URL). */
export interface RemoteWriteRelabelRules {
  global: RelabelRule[];
  perURL: (RelabelRule[] | undefined)[];
}

/**
 * Loads `-remoteWrite.relabelConfig` and `-remoteWrite.urlRelabelConfig` (paths or
 * http(s) URLs, `%{ENV}`-expanded). Call again on SIGHUP and hand the result to
 * `RemoteWrite.setRelabelRules`.
 *
 * @throws {Error} when there are more `urlRelabelConfig` items than URLs, or a file is
 * unreadable or invalid (a `ConfigError` naming file, line and field).
 *
 * @example
 * ```ts
 * const rules = await loadRemoteWriteRelabelRules(flags);
 * const rw = await RemoteWrite.open(remoteWriteOptionsFromFlags(flags, { rules }));
 * ```
 */
export async function loadRemoteWriteRelabelRules(
  flags: ParsedFlags<VmagentFlagSpecs>,
  options: ReadOptions = {},
): Promise<RemoteWriteRelabelRules> {
  const urls = flags.get("remoteWrite.url");
  const paths = flags.get("remoteWrite.urlRelabelConfig");
  if (paths.length > urls.length) {
    throw new Error(
      `too many -remoteWrite.urlRelabelConfig args: ${paths.length}; it mustn't exceed the number ` +
        `of -remoteWrite.url args: ${urls.length}`,
    );
  }
  const globalPath = flags.get("remoteWrite.relabelConfig");
  const global = globalPath === "" ? [] : await loadRelabelConfigFile(globalPath, options);
  const perURL: (RelabelRule[] | undefined)[] = [];
  for (let i = 0; i < urls.length; i++) {
    const p = i < paths.length ? paths[i] : "";
    perURL.push(p === "" ? undefined : await loadRelabelConfigFile(p, options));
  }
  return { global, perURL };
}

/**
 * Maps the flags to options; I/O hooks and anything else can be given in `extra`.
 *
 * @example
 * ```ts
 * const rw = await RemoteWrite.open(remoteWriteOptionsFromFlags(flags, { rules }));
 * ```
 */
export function remoteWriteOptionsFromFlags(
  flags: ParsedFlags<VmagentFlagSpecs>,
  extra: Partial<RemoteWriteOptions> & { rules?: RemoteWriteRelabelRules } = {},
): RemoteWriteOptions {
  const { rules, ...rest } = extra;
  const urls: RemoteWriteURLOptions[] = flags.get("remoteWrite.url").map((url, i) => ({
    url,
    relabelRules: rules?.perURL[i] ?? [],
    queues: flags.getArg("remoteWrite.queues", i),
    maxDiskUsage: flags.getArg("remoteWrite.maxDiskUsagePerURL", i),
    disableOnDiskQueue: flags.getArg("remoteWrite.disableOnDiskQueue", i),
    rateLimit: flags.getArg("remoteWrite.rateLimit", i),
    sendTimeout: flags.getArg("remoteWrite.sendTimeout", i),
    retryMinInterval: flags.getArg("remoteWrite.retryMinInterval", i),
    // vmagent still honours the deprecated -remoteWrite.retryMaxTime, unless
    // -remoteWrite.retryMaxInterval is given.
    retryMaxInterval: flags.isSet("remoteWrite.retryMaxInterval")
      ? flags.getArg("remoteWrite.retryMaxInterval", i)
      : flags.getArg("remoteWrite.retryMaxTime", i),
    headers: flags.getArg("remoteWrite.headers", i),
    basicAuthUsername: flags.getArg("remoteWrite.basicAuth.username", i),
    basicAuthUsernameFile: flags.getArg("remoteWrite.basicAuth.usernameFile", i),
    basicAuthPassword: flags.getArg("remoteWrite.basicAuth.password", i),
    basicAuthPasswordFile: flags.getArg("remoteWrite.basicAuth.passwordFile", i),
    bearerToken: flags.getArg("remoteWrite.bearerToken", i),
    bearerTokenFile: flags.getArg("remoteWrite.bearerTokenFile", i),
    tlsCAFile: flags.getArg("remoteWrite.tlsCAFile", i),
    tlsCertFile: flags.getArg("remoteWrite.tlsCertFile", i),
    tlsKeyFile: flags.getArg("remoteWrite.tlsKeyFile", i),
    tlsServerName: flags.getArg("remoteWrite.tlsServerName", i),
    tlsInsecureSkipVerify: flags.getArg("remoteWrite.tlsInsecureSkipVerify", i),
    proxyURL: flags.getArg("remoteWrite.proxyURL", i),
    significantFigures: flags.getArg("remoteWrite.significantFigures", i),
    roundDigits: flags.getArg("remoteWrite.roundDigits", i),
  }));
  return {
    urls,
    tmpDataPath: flags.get("remoteWrite.tmpDataPath"),
    relabelRules: rules?.global ?? [],
    labels: flags.get("remoteWrite.label"),
    flushInterval: flags.get("remoteWrite.flushInterval"),
    maxBlockSize: flags.get("remoteWrite.maxBlockSize"),
    maxRowsPerBlock: flags.get("remoteWrite.maxRowsPerBlock"),
    showURL: flags.get("remoteWrite.showURL"),
    dropSamplesOnOverload: flags.get("remoteWrite.dropSamplesOnOverload"),
    keepDanglingQueues: flags.get("remoteWrite.keepDanglingQueues"),
    ...rest,
  };
}
