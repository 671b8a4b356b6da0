/**
 * The whole `/metrics` page, in VictoriaMetrics' `appmetrics` order: the
 * registry, `process_*` metrics, file descriptors, `vm_app_version`, memory and
 * CPU, start time and uptime, one `flag{...}` line per flag, `vm_os_info`.
 *
 * @module
 */

import { escapeLabelValue, sampleLine } from "./_exposition.ts";
import { metadataLines, metrics, type MetricsRegistry } from "./registry.ts";
import {
  type HeapStats,
  writeFDMetrics,
  writeProcessMetrics,
  writeRuntimeMetrics,
} from "./process.ts";
import type { ProcFs } from "./proc_fs.ts";

/** One flag as `/metrics` shows it; `value` must already be masked for secret flags. */
export interface FlagInfo {
  /** Flag name without the leading dash, e.g. `remoteWrite.url`. */
  name: string;
  /** The value as `/flags` prints it (`secret` for passwords and keys). */
  value: string;
  /** Whether the flag was given on the command line (or by environment). */
  isSet: boolean;
}

/** Memory and CPU figures, from `lib/metrics/resources.ts`. */
export interface ResourceInfo {
  /** Memory limit of the process (cgroup or system), bytes. */
  memoryLimit: number;
  /** `-memory.allowedPercent` share of the limit, bytes. */
  allowedMemory: number;
  /** CPU quota, possibly fractional. */
  cpuQuota: number;
  /** CPU cores the agent uses. */
  availableCPUs: number;
}

/** Options of {@linkcode writeAppMetrics}. */
export interface AppMetricsOptions {
  /** The registry to write first. @default metrics */
  registry?: MetricsRegistry;
  /** `-metrics.exposeMetadata`. @default false */
  exposeMetadata?: boolean;
  /** Full version string, the `version` label of `vm_app_version`. */
  version: string;
  /** Short version (`v1.2.3`), the `short_version` label. */
  shortVersion: string;
  /** Unix milliseconds when the process started. */
  startTimeMs: number;
  /** The clock. @default Date.now */
  now?: () => number;
  /** The flags, in the order to print (sorted by name, as Go's flag.VisitAll). @default () => [] */
  flags?: () => readonly FlagInfo[];
  /** Memory and CPU figures; left out when absent. */
  resources?: ResourceInfo;
  /** Where `/proc/self` is read from; `false` leaves process metrics out. @default REAL_PROC_FS */
  procFs?: ProcFs | false;
  /** `vm_os_info` labels; left out when absent. */
  os?: { name: string; release: string };
  /** The JavaScript heaps of every thread (`deno_memory_*`). @default this thread's */
  heap?: () => HeapStats;
}

/**
 * Returns the `vm_os_info` labels of this machine (`linux` and the kernel
 * release), or undefined without the `sys` permission.
 *
 * @example
 * ```ts
 * currentOS(); // { name: "linux", release: "6.1.0-18-amd64" }
 * ```
 */
export function currentOS(): { name: string; release: string } | undefined {
  try {
    return { name: Deno.build.os, release: Deno.osRelease() };
  } catch {
    return undefined;
  }
}

/**
 * Writes every self-metric in the Prometheus text format.
 *
 * @example
 * ```ts
 * const text = writeAppMetrics({
 *   version: "vmagent-deno-0.1.0",
 *   shortVersion: "v0.1.0",
 *   startTimeMs: Date.now(),
 * });
 * ```
 */
export function writeAppMetrics(opts: AppMetricsOptions): string {
  const now = (opts.now ?? Date.now)();
  const meta = { exposeMetadata: opts.exposeMetadata };
  const registry = opts.registry ?? metrics;
  let out = registry.writePrometheus(meta);
  const startSeconds = Math.floor(opts.startTimeMs / 1000);
  if (opts.procFs !== false) {
    const p = { fs: opts.procFs, startTimeSeconds: startSeconds, ...meta };
    out += writeProcessMetrics(p);
    out += writeFDMetrics(p);
    out += writeRuntimeMetrics(meta, opts.heap?.());
  }
  const version = `vm_app_version{version="${escapeLabelValue(opts.version)}", short_version="${
    escapeLabelValue(opts.shortVersion)
  }"}`;
  out += sampleLine(version, "gauge", 1, meta);
  const r = opts.resources;
  if (r !== undefined) {
    out += sampleLine("vm_allowed_memory_bytes", "gauge", r.allowedMemory, meta);
    out += sampleLine("vm_available_memory_bytes", "gauge", r.memoryLimit, meta);
    out += sampleLine("vm_available_cpu_cores", "gauge", r.availableCPUs, meta);
    out += sampleLine("process_memory_limit_bytes", "gauge", r.memoryLimit, meta);
    out += sampleLine("process_cpu_cores_available", "gauge", r.cpuQuota, { ...meta, float: true });
  }
  out += sampleLine("vm_app_start_timestamp", "gauge", startSeconds, meta);
  out += sampleLine("vm_app_uptime_seconds", "gauge", (now - opts.startTimeMs) / 1000, meta);
  if (opts.exposeMetadata) out += metadataLines("flag", "gauge");
  for (const f of opts.flags?.() ?? []) {
    out += `flag{name="${escapeLabelValue(f.name)}", value="${
      escapeLabelValue(f.value)
    }", is_set="${f.isSet ? "true" : "false"}"} 1\n`;
  }
  if (opts.os !== undefined) {
    const os = `vm_os_info{os="${escapeLabelValue(opts.os.name)}", release="${
      escapeLabelValue(opts.os.release)
    }"}`;
    out += sampleLine(os, "gauge", 1, meta);
  }
  return out;
}
