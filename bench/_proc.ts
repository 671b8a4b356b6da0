/**
 * Readings of a process tree from Linux `/proc`: CPU time (`stat` fields
 * utime, stime, cutime, cstime) and memory (`status` VmRSS, VmHWM) of a
 * process and all its live descendants (found through
 * `/proc/<pid>/task/<tid>/children`).
 *
 * Deno 2.9 answers every `/proc` read with NotCapable unless the process has
 * all permissions (`-A`), even with `--allow-read`, hence `deno run -A` in the
 * `bench` task.
 *
 * @module
 */

/** `/proc` times are in USER_HZ clock ticks, 100 per second on every Linux ABI Deno runs on. */
export const CLOCK_TICKS_PER_SECOND = 100;

/** One reading of a process tree. */
export interface ProcReading {
  /** User + system CPU seconds of the tree (including reaped children). */
  cpuSeconds: number;
  /** Sum of the resident set sizes, bytes. */
  rssBytes: number;
  /** Sum of the peak resident set sizes (VmHWM), bytes. */
  hwmBytes: number;
  /** Processes in the tree. */
  processes: number;
  /** Threads in the tree. */
  threads: number;
}

function readText(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch (e) {
    // Deno 2.9 refuses every /proc read unless all permissions are granted.
    if (e instanceof Deno.errors.NotCapable) {
      throw new Error(`cannot read ${path}: run the benchmark with -A (deno task bench does)`);
    }
    return undefined;
  }
}

/** CPU ticks (utime+stime+cutime+cstime) of one process, from `/proc/<pid>/stat`. */
export function parseStatTicks(stat: string): number {
  // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state); utime is field 14.
  return Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]);
}

/** A `kB` field of `/proc/<pid>/status` in bytes (0 when absent). */
export function statusKb(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
  return m === null ? 0 : Number(m[1]) * 1024;
}

/** The pid and its live descendants. */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const todo = [pid];
  while (todo.length > 0 && out.length < 10_000) {
    const p = todo.pop()!;
    out.push(p);
    let tasks: Deno.DirEntry[];
    try {
      tasks = [...Deno.readDirSync(`/proc/${p}/task`)];
    } catch {
      continue;
    }
    for (const t of tasks) {
      const children = readText(`/proc/${p}/task/${t.name}/children`);
      if (children === undefined) continue;
      for (const c of children.split(" ")) if (c !== "" && c !== "\n") todo.push(Number(c));
    }
  }
  return out;
}

/** Reads the tree rooted at `pid`; undefined when the process is gone. */
export function readProcTree(pid: number): ProcReading | undefined {
  if (readText(`/proc/${pid}/stat`) === undefined) return undefined;
  const r: ProcReading = { cpuSeconds: 0, rssBytes: 0, hwmBytes: 0, processes: 0, threads: 0 };
  let ticks = 0;
  for (const p of processTree(pid)) {
    const stat = readText(`/proc/${p}/stat`);
    const status = readText(`/proc/${p}/status`);
    if (stat === undefined || status === undefined) continue;
    ticks += parseStatTicks(stat);
    r.rssBytes += statusKb(status, "VmRSS");
    r.hwmBytes += statusKb(status, "VmHWM");
    r.processes++;
    const th = /^Threads:\s+(\d+)$/m.exec(status);
    if (th !== null) r.threads += Number(th[1]);
  }
  r.cpuSeconds = ticks / CLOCK_TICKS_PER_SECOND;
  return r;
}

/** The 1-minute load average of the machine, from `/proc/loadavg` (NaN when unreadable). */
export function loadAverage(): number {
  const t = readText("/proc/loadavg");
  return t === undefined ? NaN : Number(t.split(" ")[0]);
}

/** Busy and total jiffies of the whole machine, from the `cpu` line of `/proc/stat`. */
export function machineTicks(): { busy: number; total: number } {
  const t = readText("/proc/stat") ?? "";
  const line = t.split("\n")[0].split(/\s+/).slice(1).map(Number);
  const total = line.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const idle = (line[3] ?? 0) + (line[4] ?? 0);
  return { busy: total - idle, total };
}

/** User + system CPU seconds of this process alone (all its threads, no children). */
export function selfCpuSeconds(): number {
  const stat = readText(`/proc/self/stat`) ?? "";
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(rest[11]) + Number(rest[12])) / CLOCK_TICKS_PER_SECOND;
}
