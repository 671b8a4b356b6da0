import { equal } from "node:assert/strict";
import { writeAppMetrics } from "../../lib/metrics/app_metrics.ts";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import { fakeProcFs } from "../../lib/metrics/proc_fs.ts";
import { countLogMessages } from "../../lib/metrics/log_messages.ts";

const base = {
  version: "vmagent-deno-0.1.0",
  shortVersion: "v0.1.0",
  startTimeMs: 1700000000500,
  now: () => 1700000010400,
  procFs: false as const,
};

Deno.test("writeAppMetrics() writes registry, version, start, uptime, flags and OS in order", () => {
  const registry = new MetricsRegistry();
  registry.counter('vmagent_rows_inserted_total{type="prometheus"}').add(3);
  equal(
    writeAppMetrics({
      ...base,
      registry,
      flags: () => [
        { name: "httpListenAddr", value: ":8429", isSet: false },
        { name: "remoteWrite.url", value: "secret", isSet: true },
        { name: "weird", value: 'a"b\\c\nd', isSet: true },
      ],
      os: { name: "linux", release: "6.1.0" },
    }),
    [
      'vmagent_rows_inserted_total{type="prometheus"} 3',
      'vm_app_version{version="vmagent-deno-0.1.0", short_version="v0.1.0"} 1',
      "vm_app_start_timestamp 1700000000",
      "vm_app_uptime_seconds 9",
      'flag{name="httpListenAddr", value=":8429", is_set="false"} 1',
      'flag{name="remoteWrite.url", value="secret", is_set="true"} 1',
      'flag{name="weird", value="a\\"b\\\\c\\nd", is_set="true"} 1',
      'vm_os_info{os="linux", release="6.1.0"} 1',
      "",
    ].join("\n"),
  );
});

Deno.test("writeAppMetrics() writes memory and CPU figures when given", () => {
  const text = writeAppMetrics({
    ...base,
    registry: new MetricsRegistry(),
    resources: { memoryLimit: 1000, allowedMemory: 600, cpuQuota: 1.5, availableCPUs: 1 },
  });
  equal(
    text,
    [
      'vm_app_version{version="vmagent-deno-0.1.0", short_version="v0.1.0"} 1',
      "vm_allowed_memory_bytes 600",
      "vm_available_memory_bytes 1000",
      "vm_available_cpu_cores 1",
      "process_memory_limit_bytes 1000",
      "process_cpu_cores_available 1.5",
      "vm_app_start_timestamp 1700000000",
      "vm_app_uptime_seconds 9",
      "",
    ].join("\n"),
  );
});

Deno.test("writeAppMetrics() puts process, fd and heap metrics after the registry", () => {
  const procFs = fakeProcFs({
    "/proc/self/stat": "1 (x) S 0 1 1 0 -1 0 5 0 2 0 30 20 0 0 20 0 4 0 100 4096 3",
    "/proc/self/limits": "Max open files 64 64 files\n",
    "/proc/self/fd": 4,
  });
  const registry = new MetricsRegistry();
  registry.gauge("a").set(1);
  const lines = writeAppMetrics({ ...base, registry, procFs }).split("\n");
  equal(lines[0], "a 1");
  equal(lines[1], "process_cpu_seconds_system_total 0.2");
  equal(lines.indexOf("process_max_fds 64"), 10);
  equal(lines[11], "process_open_fds 4");
  equal(lines[12].startsWith("deno_memory_external_bytes "), true);
  equal(lines[14].startsWith("deno_memory_heap_used_bytes "), true);
  equal(lines[15].startsWith("vm_app_version{"), true);
});

Deno.test("writeAppMetrics() adds metadata for app and flag metrics", () => {
  const text = writeAppMetrics({
    ...base,
    registry: new MetricsRegistry(),
    exposeMetadata: true,
    flags: () => [{ name: "a", value: "1", isSet: false }],
  });
  equal(
    text,
    [
      "# HELP vm_app_version",
      "# TYPE vm_app_version gauge",
      'vm_app_version{version="vmagent-deno-0.1.0", short_version="v0.1.0"} 1',
      "# HELP vm_app_start_timestamp",
      "# TYPE vm_app_start_timestamp gauge",
      "vm_app_start_timestamp 1700000000",
      "# HELP vm_app_uptime_seconds",
      "# TYPE vm_app_uptime_seconds gauge",
      "vm_app_uptime_seconds 9",
      "# HELP flag",
      "# TYPE flag gauge",
      'flag{name="a", value="1", is_set="false"} 1',
      "",
    ].join("\n"),
  );
});

Deno.test("countLogMessages() counts by level, caller and whether printed", () => {
  const registry = new MetricsRegistry();
  const hook = countLogMessages("v1", registry);
  hook("WARN", "promscrape", true);
  hook("WARN", "promscrape", true);
  hook("ERROR", "remotewrite", false);
  equal(
    registry.writePrometheus(),
    'vm_log_messages_total{app_version="v1", level="error", location="remotewrite", is_printed="false"} 1\n' +
      'vm_log_messages_total{app_version="v1", level="warn", location="promscrape", is_printed="true"} 2\n',
  );
});
