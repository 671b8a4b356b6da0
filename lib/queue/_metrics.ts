/**
 * The `vm_persistentqueue_*` self-metrics of one queue, with vmagent's names
 * and labels (`path`, `name`).
 *
 * @module
 */
import type { Counter, MetricsRegistry } from "../metrics/registry.ts";

/** Counters of one queue plus a way to drop its gauge on close. */
export interface QueueMetrics {
  blocksWritten: Counter;
  bytesWritten: Counter;
  blocksRead: Counter;
  bytesRead: Counter;
  blocksDropped: Counter;
  bytesDropped: Counter;
  readSeconds: Counter;
  writeSeconds: Counter;
  unregister(): void;
}

/**
 * Escapes backslashes, double quotes and newlines in a label value for the
 * Prometheus text format.
 *
 * @example
 * ```ts
 * escapeLabelValue('say "hi"'); // the text: say \"hi\"
 * escapeLabelValue("a\\b"); // the text: a\\b
 * ```
 */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** Labels and gauge sources of {@linkcode queueMetrics}. */
export interface QueueMetricsSource {
  /** The queue folder (`path` label). */
  path: string;
  /** The queue name (`name` label). */
  name: string;
  /** Bytes waiting in the file queue (`vm_persistentqueue_bytes_pending`). */
  pendingBytes: () => number;
  /** Free bytes on the file system of a folder. */
  freeDiskSpace: (dir: string) => number;
  /** The queue's pending bytes limit (`-remoteWrite.maxDiskUsagePerURL`); 0 = unlimited. */
  maxPendingBytes: number;
}

/**
 * Creates (or finds) the `vm_persistentqueue_*` counters of a queue, and (re)registers
 * its `vm_persistentqueue_bytes_pending` and `vm_persistentqueue_free_disk_space_bytes`
 * gauges (vmagent HEAD `lib/persistentqueue`). The latter is the room left for the
 * queue: free disk space, or less when the limit leaves less.
 *
 * @example
 * ```ts
 * const m = queueMetrics(metrics, {
 *   path: "/tmp/q",
 *   name: "1:secret-url",
 *   pendingBytes: () => q.pendingBytes,
 *   freeDiskSpace,
 *   maxPendingBytes: 0,
 * });
 * m.blocksWritten.inc(); // vm_persistentqueue_blocks_written_total{path="/tmp/q",name="1:secret-url"} 1
 * m.unregister(); // drops the gauges on close
 * ```
 */
export function queueMetrics(registry: MetricsRegistry, src: QueueMetricsSource): QueueMetrics {
  const l = `{path="${escapeLabelValue(src.path)}",name="${escapeLabelValue(src.name)}"}`;
  const { path, pendingBytes, freeDiskSpace, maxPendingBytes: max } = src;
  // As vmagent HEAD: with a limit, the room left under it when the disk has more.
  const room = (): number =>
    max > 0 ? Math.min(max - pendingBytes(), freeDiskSpace(path)) : freeDiskSpace(path);
  const gauges = [
    [`vm_persistentqueue_bytes_pending${l}`, pendingBytes],
    [`vm_persistentqueue_free_disk_space_bytes${l}`, room],
  ] as const;
  for (const [id, fn] of gauges) {
    registry.unregister(id);
    registry.gauge(id, fn);
  }
  return {
    blocksWritten: registry.counter(`vm_persistentqueue_blocks_written_total${l}`),
    bytesWritten: registry.counter(`vm_persistentqueue_bytes_written_total${l}`),
    blocksRead: registry.counter(`vm_persistentqueue_blocks_read_total${l}`),
    bytesRead: registry.counter(`vm_persistentqueue_bytes_read_total${l}`),
    blocksDropped: registry.counter(`vm_persistentqueue_blocks_dropped_total${l}`),
    bytesDropped: registry.counter(`vm_persistentqueue_bytes_dropped_total${l}`),
    readSeconds: registry.counter("vm_persistentqueue_read_duration_seconds_total"),
    writeSeconds: registry.counter("vm_persistentqueue_write_duration_seconds_total"),
    unregister: () => {
      for (const [id] of gauges) registry.unregister(id);
    },
  };
}
