/**
 * The memory and CPU the process may use, read from cgroups (v1 and v2) as
 * VictoriaMetrics' `lib/cgroup` and `lib/memory` do: the memory limit behind
 * `-memory.allowedPercent` / `-memory.allowedBytes`, and the CPU quota behind
 * `vm_available_cpu_cores` (and, for remote write, the default `-remoteWrite.queues`).
 *
 * @module
 */

import { type ProcFs, REAL_PROC_FS } from "./proc_fs.ts";

/** Parent of a cgroup path (`/a/b` -> `/a`, `/a` -> `/`). */
function parentPath(p: string): string {
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}

function joinPath(...parts: string[]): string {
  return parts.join("/").replace(/\/+/g, "/");
}

/** The cgroup v2 path of the process (`0::/a/b` -> `/a/b`), or `/`. */
function cgroupV2Path(fs: ProcFs): string {
  const text = fs.readTextFile("/proc/self/cgroup") ?? "";
  for (const line of text.split("\n")) {
    const parts = line.split(":");
    if (parts.length >= 3) return parts[2].trim() || "/";
  }
  return "/";
}

/** Reads a cgroup v1 file: `<prefix>/<name>`, else under the path named on the `/proc/self/cgroup` line containing `grep`. */
function readCgroupV1(fs: ProcFs, prefix: string, name: string, grep: string): string | undefined {
  const direct = fs.readTextFile(joinPath(prefix, name));
  if (direct !== undefined) return direct;
  const text = fs.readTextFile("/proc/self/cgroup") ?? "";
  const line = text.split("\n").find((l) => l.includes(grep));
  const sub = line?.split(":")[2]?.trim();
  return sub === undefined ? undefined : fs.readTextFile(joinPath(prefix, sub, name));
}

/** Walks the cgroup v2 hierarchy from the process' group to the root and returns the smallest positive value. */
function minOverV2(fs: ProcFs, name: string, parse: (s: string) => number): number {
  let sub = cgroupV2Path(fs);
  let min = -1;
  for (;;) {
    const text = fs.readTextFile(joinPath("/sys/fs/cgroup", sub, name));
    if (text !== undefined) {
      const v = parse(text.trim());
      if (v > 0 && (min < 0 || v < min)) min = v;
    }
    if (sub === "/" || sub === ".") break;
    sub = parentPath(sub);
  }
  return min;
}

/**
 * Returns the memory limit of the process in bytes: the cgroup limit (v1
 * `memory.limit_in_bytes`, v2 `memory.max` over the hierarchy, or v1
 * `hierarchical_memory_limit`) when set and below `totalMemory`, else `totalMemory`.
 *
 * @example
 * ```ts
 * readMemoryLimit({ totalMemory: Deno.systemMemoryInfo().total });
 * ```
 */
export function readMemoryLimit(opts: { totalMemory: number; fs?: ProcFs }): number {
  const fs = opts.fs ?? REAL_PROC_FS;
  const total = opts.totalMemory;
  const usable = (n: number) => Number.isFinite(n) && n > 0 && n <= total;
  const v1 = readCgroupV1(fs, "/sys/fs/cgroup/memory", "memory.limit_in_bytes", "memory");
  let limit = v1 !== undefined ? Number(v1.trim()) : minOverV2(fs, "memory.max", (s) => {
    return s === "max" ? -1 : Number(s);
  });
  if (usable(limit)) return limit;
  const stat = readCgroupV1(fs, "/sys/fs/cgroup/memory", "memory.stat", "memory");
  const m = stat?.match(/^hierarchical_memory_limit (\d+)/m);
  limit = m ? Number(m[1]) : -1;
  return usable(limit) ? limit : total;
}

/**
 * Parses cgroup v2 `cpu.max` (`quota period`, or `max ...`) into a CPU count; -1 for no quota.
 *
 * @example
 * ```ts
 * parseCPUMax("150000 100000\n"); // 1.5
 * parseCPUMax("max 100000"); // -1
 * ```
 */
export function parseCPUMax(text: string): number {
  const [quota, period = "100000"] = text.trim().split(" ");
  if (quota === "max") return -1;
  const q = Number(quota);
  const p = Number(period);
  return Number.isFinite(q) && p > 0 ? q / p : -1;
}

/**
 * Counts CPUs in a `/sys/devices/system/cpu/online` list such as `0-3,6`; -1 when malformed.
 *
 * @example
 * ```ts
 * countCPUList("0-3,6\n"); // 5
 * countCPUList("n/a"); // -1
 * ```
 */
export function countCPUList(text: string): number {
  let n = 0;
  for (const part of text.trim().split(",")) {
    const m = part.match(/^(\d+)(?:-(\d+))?$/);
    if (!m) return -1;
    n += m[2] === undefined ? 1 : Number(m[2]) - Number(m[1]) + 1;
  }
  return n;
}

/**
 * Returns the CPU quota of the process (possibly fractional): cgroup v1
 * `cpu.cfs_quota_us / cpu.cfs_period_us`, else cgroup v2 `cpu.max` over the
 * hierarchy, else the online CPU count; -1 when nothing is known.
 *
 * @example
 * ```ts
 * readCPUQuota(); // e.g. 1.5 under a cgroup v2 `cpu.max` of "150000 100000"
 * const fs = {
 *   readTextFile: (p: string) => p === "/sys/devices/system/cpu/online" ? "0-3\n" : undefined,
 *   countDirEntries: () => undefined,
 * };
 * readCPUQuota({ fs }); // 4 (no cgroup quota: the online CPUs)
 * ```
 */
export function readCPUQuota(opts: { fs?: ProcFs } = {}): number {
  const fs = opts.fs ?? REAL_PROC_FS;
  let quota: number;
  const q = readCgroupV1(fs, "/sys/fs/cgroup/cpu", "cpu.cfs_quota_us", "cpu,");
  const p = readCgroupV1(fs, "/sys/fs/cgroup/cpu", "cpu.cfs_period_us", "cpu,");
  if (q !== undefined && p !== undefined && Number(p) > 0) {
    quota = Number(q) / Number(p);
  } else {
    quota = minOverV2(fs, "cpu.max", parseCPUMax);
  }
  if (quota > 0) return quota;
  const online = fs.readTextFile("/sys/devices/system/cpu/online");
  const n = online === undefined ? -1 : countCPUList(online);
  return n > 0 ? n : -1;
}

/**
 * The number of CPU cores the agent uses: the quota rounded down (at least 1),
 * at most `numCPU`, as VictoriaMetrics sets GOMAXPROCS.
 *
 * @example
 * ```ts
 * availableCPUs(2.5, 8); // 2
 * availableCPUs(-1, 8); // 8
 * ```
 */
export function availableCPUs(quota: number, numCPU: number): number {
  if (!(quota > 0)) return numCPU;
  return Math.min(Math.max(1, Math.floor(quota)), numCPU);
}

/** Options of {@linkcode allowedMemory}: the vmagent flags of the same name. */
export interface AllowedMemoryOptions {
  /** `-memory.allowedPercent`, in [1, 100]. @default 60 */
  allowedPercent?: number;
  /** `-memory.allowedBytes`; overrides the percent when > 0. @default 0 */
  allowedBytes?: number;
}

/**
 * Splits the memory limit into what the agent's caches may use and what is left
 * to the OS. Throws a RangeError on a percent outside [1, 100] or nothing left.
 *
 * @example
 * ```ts
 * allowedMemory(1000, {}); // { allowed: 600, remaining: 400 }
 * ```
 */
export function allowedMemory(
  limit: number,
  opts: AllowedMemoryOptions,
): { allowed: number; remaining: number } {
  const bytes = opts.allowedBytes ?? 0;
  let allowed: number;
  if (bytes > 0) {
    allowed = Math.floor(bytes);
  } else {
    const pct = opts.allowedPercent ?? 60;
    if (!(pct >= 1 && pct <= 100)) {
      throw new RangeError(`-memory.allowedPercent must be in the range [1...100]; got ${pct}`);
    }
    allowed = Math.floor(limit * pct / 100);
  }
  const remaining = limit - allowed;
  if (remaining <= 0) {
    throw new RangeError(
      `remaining memory ${remaining} bytes cannot be less than or equal to zero; ` +
        `detected system memory limit ${limit} bytes`,
    );
  }
  return { allowed, remaining };
}
