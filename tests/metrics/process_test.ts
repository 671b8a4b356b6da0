import { deepEqual, equal, match, ok } from "node:assert/strict";
import {
  parseMaxFiles,
  parseProcStat,
  writeFDMetrics,
  writeProcessMetrics,
  writeRuntimeMetrics,
} from "../../lib/metrics/process.ts";
import { fakeProcFs } from "../../lib/metrics/proc_fs.ts";

const dir = new URL("../testdata/metrics/", import.meta.url);
const read = (name: string) => Deno.readTextFileSync(new URL(name, dir));
const fullProc = () =>
  fakeProcFs({
    "/proc/self/stat": read("stat"),
    "/proc/self/status": read("status"),
    "/proc/self/io": read("io"),
    "/proc/self/limits": read("limits"),
    "/proc/self/fd": 17,
  });

Deno.test("writeProcessMetrics() writes VictoriaMetrics' process metrics from /proc/self", () => {
  equal(
    writeProcessMetrics({ fs: fullProc(), startTimeSeconds: 1700000000 }),
    [
      "process_cpu_seconds_system_total 0.75",
      "process_cpu_seconds_total 3.25",
      "process_cpu_seconds_user_total 2.5",
      "process_major_pagefaults_total 12",
      "process_minor_pagefaults_total 9000",
      "process_num_threads 9",
      "process_resident_memory_bytes 31457280",
      "process_start_time_seconds 1700000000",
      "process_virtual_memory_bytes 1073741824",
      "process_virtual_memory_peak_bytes 2147483648",
      "process_resident_memory_peak_bytes 41943040",
      "process_resident_memory_anon_bytes 20971520",
      "process_resident_memory_file_bytes 10485760",
      "process_resident_memory_shared_bytes 0",
      "process_io_read_bytes_total 1000",
      "process_io_written_bytes_total 2000",
      "process_io_read_syscalls_total 30",
      "process_io_write_syscalls_total 40",
      "process_io_storage_read_bytes_total 4096",
      "process_io_storage_written_bytes_total 8192",
      "",
    ].join("\n"),
  );
});

Deno.test("writeProcessMetrics() uses stat rss times the page size without VmRSS", () => {
  const fs = fakeProcFs({ "/proc/self/stat": read("stat") });
  const text = writeProcessMetrics({ fs, startTimeSeconds: 1, pageSize: 65536 });
  equal(text.includes("process_resident_memory_bytes 327680000\n"), true);
  equal(text.includes("process_io_"), false);
  equal(text.includes("process_virtual_memory_peak_bytes"), false);
});

Deno.test("writeProcessMetrics() falls back to runtime figures when /proc is unreadable", () => {
  const runtimeStats = () => ({
    userSeconds: 1.25,
    systemSeconds: 0.5,
    rss: 1048576,
    maxRss: 2097152,
    minorFaults: 100,
    majorFaults: 2,
  });
  equal(
    writeProcessMetrics({ fs: fakeProcFs({}), startTimeSeconds: 1700000000, runtimeStats }),
    [
      "process_cpu_seconds_system_total 0.5",
      "process_cpu_seconds_total 1.75",
      "process_cpu_seconds_user_total 1.25",
      "process_major_pagefaults_total 2",
      "process_minor_pagefaults_total 100",
      "process_resident_memory_bytes 1048576",
      "process_start_time_seconds 1700000000",
      "process_resident_memory_peak_bytes 2097152",
      "",
    ].join("\n"),
  );
});

Deno.test("writeProcessMetrics() never reports a runtime peak below the current resident size", () => {
  // getrusage's maxrss lags: measured under -P=agent as 71372800 with an rss of 71778304.
  const runtimeStats = () => ({
    userSeconds: 0,
    systemSeconds: 0,
    rss: 71778304,
    maxRss: 71372800,
    minorFaults: 0,
    majorFaults: 0,
  });
  const text = writeProcessMetrics({ fs: fakeProcFs({}), startTimeSeconds: 0, runtimeStats });
  match(text, /^process_resident_memory_bytes 71778304$/m);
  match(text, /^process_resident_memory_peak_bytes 71778304$/m);
});

Deno.test("writeProcessMetrics() adds metadata with the VictoriaMetrics types", () => {
  const text = writeProcessMetrics({ fs: fullProc(), startTimeSeconds: 1, exposeMetadata: true });
  const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
  equal(types.length, 20);
  equal(types[0], "process_cpu_seconds_system_total counter");
  equal(types[3], "process_major_pagefaults_total counter");
  equal(types[5], "process_num_threads gauge");
  equal(types[14], "process_io_read_bytes_total gauge");
});

Deno.test("parseProcStat() copes with spaces and parentheses in the command", () => {
  const f = (text: string, want: ReturnType<typeof parseProcStat>) =>
    deepEqual(parseProcStat(text), want);
  f(read("stat"), {
    minflt: 9000,
    majflt: 12,
    utime: 250,
    stime: 75,
    numThreads: 9,
    vsize: 1073741824,
    rss: 5000,
  });
  f("1 (x) S 1 2 3", undefined);
  f("no parentheses", undefined);
  f("1 (x) S 0 1 1 0 -1 0 a 0 2 0 30 20 0 0 20 0 4 0 100 4096 3", undefined);
});

Deno.test("writeFDMetrics() writes the soft open-files limit and the open count", () => {
  const f = (files: Record<string, string | number>, want: string) =>
    equal(writeFDMetrics({ fs: fakeProcFs(files), startTimeSeconds: 0 }), want);
  f(
    { "/proc/self/limits": read("limits"), "/proc/self/fd": 17 },
    "process_max_fds 1024\nprocess_open_fds 17\n",
  );
  f(
    {
      "/proc/self/limits":
        "Max open files            unlimited            unlimited            files\n",
      "/proc/self/fd": 3,
    },
    "process_max_fds 18446744073709551615\nprocess_open_fds 3\n",
  );
  f({ "/proc/self/limits": read("limits") }, "");
  f({ "/proc/self/fd": 3 }, "");
});

Deno.test("parseMaxFiles() returns undefined without the line", () => {
  equal(parseMaxFiles("Max cpu time unlimited unlimited seconds\n"), undefined);
  equal(parseMaxFiles("Max open files  4096  8192  files\n"), 4096n);
});

Deno.test("writeProcessMetrics() reports this process with the default sources", () => {
  // Without --allow-all Deno refuses /proc, so this exercises the runtime fallback.
  const text = writeProcessMetrics({ startTimeSeconds: 5 });
  equal(/^process_resident_memory_bytes [1-9]\d*$/m.test(text), true);
  equal(/^process_cpu_seconds_total \d/m.test(text), true);
  equal(/^process_start_time_seconds 5$/m.test(text), true);
});

Deno.test("writeRuntimeMetrics() writes the V8 heap gauges, with metadata when asked", () => {
  const stats = { heapTotal: 8 * 1024 * 1024, heapUsed: 5_000_000, external: 123 };
  equal(
    writeRuntimeMetrics({}, stats),
    "deno_memory_external_bytes 123\n" +
      "deno_memory_heap_total_bytes 8388608\n" +
      "deno_memory_heap_used_bytes 5000000\n",
  );
  match(
    writeRuntimeMetrics({ exposeMetadata: true }, stats),
    /^# HELP deno_memory_heap_used_bytes\n# TYPE deno_memory_heap_used_bytes gauge\n/m,
  );
  const live = writeRuntimeMetrics();
  const used = Number(live.match(/^deno_memory_heap_used_bytes (\d+)$/m)?.[1]);
  ok(used > 0, live);
});
