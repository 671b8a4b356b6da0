/**
 * `process_*` self-metrics read from `/proc/self`, with the names, order and
 * types VictoriaMetrics' `metrics` package uses on Linux (no `go_*` metrics:
 * this is not a Go process). Files that cannot be read leave their metrics out.
 *
 * Deno lets only `--allow-all` processes read `/proc`; without it the CPU,
 * page-fault and memory figures come from the runtime instead
 * ({@linkcode denoRuntimeStats}), and threads, virtual memory, I/O and file
 * descriptors are left out.
 *
 * @module
 */

import process from "node:process";
import { sampleLine } from "./_exposition.ts";
import { type ProcFs, REAL_PROC_FS } from "./proc_fs.ts";

/** Process figures the runtime reports, for when `/proc/self` is unreadable. */
export interface RuntimeStats {
  /** CPU seconds in user space. */
  userSeconds: number;
  /** CPU seconds in the kernel. */
  systemSeconds: number;
  /** Resident memory, bytes. */
  rss: number;
  /** Peak resident memory, bytes. */
  maxRss: number;
  /** Page faults served without I/O. */
  minorFaults: number;
  /** Page faults that needed I/O. */
  majorFaults: number;
}

/**
 * Reads {@linkcode RuntimeStats} from `process.resourceUsage()` and `Deno.memoryUsage()`.
 *
 * @example
 * ```ts
 * const s = denoRuntimeStats();
 * // { userSeconds: 0.07, systemSeconds: 0.05, rss: 46981120, maxRss: 46403584,
 * //   minorFaults: 4384, majorFaults: 4 }
 * ```
 */
export function denoRuntimeStats(): RuntimeStats {
  const ru = process.resourceUsage();
  return {
    userSeconds: ru.userCPUTime / 1e6,
    systemSeconds: ru.systemCPUTime / 1e6,
    rss: Deno.memoryUsage().rss,
    // maxRSS is in kilobytes on Linux.
    maxRss: ru.maxRSS * 1024,
    minorFaults: ru.minorPageFault,
    majorFaults: ru.majorPageFault,
  };
}

/** Options of {@linkcode writeProcessMetrics} and {@linkcode writeFDMetrics}. */
export interface ProcessMetricsOptions {
  /** The file system to read `/proc/self/*` from. @default REAL_PROC_FS */
  fs?: ProcFs;
  /** Unix seconds of process start, written as `process_start_time_seconds`. */
  startTimeSeconds: number;
  /** Bytes per page, for `/proc/self/stat` rss when `/proc/self/status` lacks VmRSS. @default 4096 */
  pageSize?: number;
  /** `-metrics.exposeMetadata`. @default false */
  exposeMetadata?: boolean;
  /** Figures used when `/proc/self/stat` cannot be read. @default denoRuntimeStats */
  runtimeStats?: () => RuntimeStats;
}

/** Clock ticks per second of `utime`/`stime` in `/proc/self/stat` (USER_HZ). */
const USER_HZ = 100;

/** The fields of `/proc/self/stat` the metrics need. */
export interface ProcStat {
  minflt: number;
  majflt: number;
  utime: number;
  stime: number;
  numThreads: number;
  vsize: number;
  rss: number;
}

/**
 * Parses `/proc/self/stat`; fields are counted after the `(comm)` field, whose
 * text may hold spaces and parentheses. Returns undefined on malformed text.
 *
 * @example
 * ```ts
 * parseProcStat("1 (a b) S 0 1 1 0 -1 0 5 0 2 0 30 20 0 0 20 0 4 0 100 4096 3")!.numThreads; // 4
 * ```
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const n = text.lastIndexOf(") ");
  if (n < 0) return undefined;
  // After ") ": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
  // utime stime cutime cstime priority nice num_threads itrealvalue starttime vsize rss
  const f = text.slice(n + 2).trim().split(/\s+/);
  if (f.length < 22) return undefined;
  const num = (i: number) => Number(f[i]);
  const st: ProcStat = {
    minflt: num(7),
    majflt: num(9),
    utime: num(11),
    stime: num(12),
    numThreads: num(17),
    vsize: num(20),
    rss: num(21),
  };
  for (const v of Object.values(st)) if (!Number.isFinite(v)) return undefined;
  return st;
}

/** Returns the `kB` value of `key:` in `/proc/self/status` text, in bytes. */
function statusBytes(status: string | undefined, key: string): number | undefined {
  if (status === undefined) return undefined;
  const m = status.match(new RegExp(`^${key}:\\s+(\\d+)\\s+kB\\s*$`, "m"));
  return m ? Number(m[1]) * 1024 : undefined;
}

/** Returns the value of `key: N` in `/proc/self/io` text (0 when absent). */
function ioValue(io: string, key: string): number {
  const m = io.match(new RegExp(`^${key}: (\\d+)\\s*$`, "m"));
  return m ? Number(m[1]) : 0;
}

/**
 * Writes `process_cpu_seconds_*`, page faults, threads, memory, start time and
 * `process_io_*` metrics in VictoriaMetrics' order.
 *
 * @example
 * ```ts
 * const text = writeProcessMetrics({ startTimeSeconds: Math.floor(Date.now() / 1000) });
 * ```
 */
export function writeProcessMetrics(opts: ProcessMetricsOptions): string {
  const fs = opts.fs ?? REAL_PROC_FS;
  const meta = { exposeMetadata: opts.exposeMetadata };
  const float = { ...meta, float: true };
  let out = "";
  const statText = fs.readTextFile("/proc/self/stat");
  const st = statText === undefined ? undefined : parseProcStat(statText);
  const status = fs.readTextFile("/proc/self/status");
  if (st !== undefined) {
    out += sampleLine("process_cpu_seconds_system_total", "counter", st.stime / USER_HZ, float);
    // Sum the ticks first, as VictoriaMetrics does, to lose less precision.
    out += sampleLine(
      "process_cpu_seconds_total",
      "counter",
      (st.utime + st.stime) / USER_HZ,
      float,
    );
    out += sampleLine("process_cpu_seconds_user_total", "counter", st.utime / USER_HZ, float);
    out += sampleLine("process_major_pagefaults_total", "counter", st.majflt, meta);
    out += sampleLine("process_minor_pagefaults_total", "counter", st.minflt, meta);
    out += sampleLine("process_num_threads", "gauge", st.numThreads, meta);
    const rss = statusBytes(status, "VmRSS") ?? st.rss * (opts.pageSize ?? 4096);
    out += sampleLine("process_resident_memory_bytes", "gauge", rss, meta);
    out += sampleLine("process_start_time_seconds", "gauge", opts.startTimeSeconds, meta);
    out += sampleLine("process_virtual_memory_bytes", "gauge", st.vsize, meta);
  }
  if (st === undefined) {
    const rt = (opts.runtimeStats ?? denoRuntimeStats)();
    out += sampleLine("process_cpu_seconds_system_total", "counter", rt.systemSeconds, float);
    out += sampleLine(
      "process_cpu_seconds_total",
      "counter",
      rt.userSeconds + rt.systemSeconds,
      float,
    );
    out += sampleLine("process_cpu_seconds_user_total", "counter", rt.userSeconds, float);
    out += sampleLine("process_major_pagefaults_total", "counter", rt.majorFaults, meta);
    out += sampleLine("process_minor_pagefaults_total", "counter", rt.minorFaults, meta);
    out += sampleLine("process_resident_memory_bytes", "gauge", rt.rss, meta);
    out += sampleLine("process_start_time_seconds", "gauge", opts.startTimeSeconds, meta);
    if (status === undefined) {
      // getrusage's maxrss is updated lazily by the kernel and can lag behind the current
      // resident size read a moment later: a peak is never below the current value.
      const peak = Math.max(rt.maxRss, rt.rss);
      out += sampleLine("process_resident_memory_peak_bytes", "gauge", peak, meta);
    }
  }
  if (status !== undefined) {
    const mem: [string, string][] = [
      ["process_virtual_memory_peak_bytes", "VmPeak"],
      ["process_resident_memory_peak_bytes", "VmHWM"],
      ["process_resident_memory_anon_bytes", "RssAnon"],
      ["process_resident_memory_file_bytes", "RssFile"],
      ["process_resident_memory_shared_bytes", "RssShmem"],
    ];
    for (const [name, key] of mem) {
      out += sampleLine(name, "gauge", statusBytes(status, key) ?? 0, meta);
    }
  }
  const io = fs.readTextFile("/proc/self/io");
  if (io !== undefined) {
    const ios: [string, string][] = [
      ["process_io_read_bytes_total", "rchar"],
      ["process_io_written_bytes_total", "wchar"],
      ["process_io_read_syscalls_total", "syscr"],
      ["process_io_write_syscalls_total", "syscw"],
      ["process_io_storage_read_bytes_total", "read_bytes"],
      ["process_io_storage_written_bytes_total", "write_bytes"],
    ];
    // VictoriaMetrics types these as gauges despite the _total suffix.
    for (const [name, key] of ios) out += sampleLine(name, "gauge", ioValue(io, key), meta);
  }
  return out;
}

/** The JavaScript heap figures {@linkcode writeRuntimeMetrics} reports. */
export type HeapStats = Pick<Deno.MemoryUsage, "heapTotal" | "heapUsed" | "external">;

/**
 * Writes the V8 heap gauges `deno_memory_heap_total_bytes` (heap reserved),
 * `deno_memory_heap_used_bytes` (live and not yet collected objects) and
 * `deno_memory_external_bytes` (buffers outside the heap), which tell how much of
 * the resident memory is the JavaScript heap. vmagent has no equivalent (its
 * `go_memstats_*` describe Go's heap).
 *
 * @example
 * ```ts
 * writeRuntimeMetrics({}, { heapTotal: 4096, heapUsed: 1024, external: 0 });
 * // "deno_memory_external_bytes 0\ndeno_memory_heap_total_bytes 4096\n..."
 * ```
 */
export function writeRuntimeMetrics(
  opts: { exposeMetadata?: boolean } = {},
  stats: HeapStats = Deno.memoryUsage(),
): string {
  const meta = { exposeMetadata: opts.exposeMetadata };
  return sampleLine("deno_memory_external_bytes", "gauge", stats.external, meta) +
    sampleLine("deno_memory_heap_total_bytes", "gauge", stats.heapTotal, meta) +
    sampleLine("deno_memory_heap_used_bytes", "gauge", stats.heapUsed, meta);
}

/**
 * Parses the soft `Max open files` limit from `/proc/self/limits`;
 * `unlimited` is 2^64-1 as in VictoriaMetrics. Returns undefined when absent.
 *
 * @example
 * ```ts
 * parseMaxFiles("Max open files     1024     524288     files\n"); // 1024n
 * parseMaxFiles("Max open files     unlimited     unlimited     files\n"); // 18446744073709551615n
 * ```
 */
export function parseMaxFiles(limits: string): bigint | undefined {
  const m = limits.match(/^Max open files\s+(\S+)/m);
  if (!m) return undefined;
  if (m[1] === "unlimited") return (1n << 64n) - 1n;
  return /^\d+$/.test(m[1]) ? BigInt(m[1]) : undefined;
}

/**
 * Writes `process_max_fds` and `process_open_fds` (nothing when either cannot be read).
 *
 * @example
 * ```ts
 * writeFDMetrics({ startTimeSeconds: 0 }); // "process_max_fds 1024\nprocess_open_fds 12\n"
 * ```
 */
export function writeFDMetrics(opts: ProcessMetricsOptions): string {
  const fs = opts.fs ?? REAL_PROC_FS;
  const open = fs.countDirEntries("/proc/self/fd");
  const limits = fs.readTextFile("/proc/self/limits");
  const max = limits === undefined ? undefined : parseMaxFiles(limits);
  if (open === undefined || max === undefined) return "";
  const meta = { exposeMetadata: opts.exposeMetadata };
  return sampleLine("process_max_fds", "gauge", max, meta) +
    sampleLine("process_open_fds", "gauge", open, meta);
}
