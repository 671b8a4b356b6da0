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

/**
 * Creates (or finds) the `vm_persistentqueue_*` counters of the queue at `path`
 * named `name`, and (re)registers its `vm_persistentqueue_bytes_pending` gauge.
 *
 * @example
 * ```ts
 * const m = queueMetrics(metrics, "/tmp/q", "1:secret-url", () => q.pendingBytes);
 * m.blocksWritten.inc(); // vm_persistentqueue_blocks_written_total{path="/tmp/q",name="1:secret-url"} 1
 * m.unregister(); // drops the pending-bytes gauge on close
 * ```
 */
export function queueMetrics(
  registry: MetricsRegistry,
  path: string,
  name: string,
  pendingBytes: () => number,
): QueueMetrics {
  const l = `{path="${escapeLabelValue(path)}",name="${escapeLabelValue(name)}"}`;
  const pendingId = `vm_persistentqueue_bytes_pending${l}`;
  registry.unregister(pendingId);
  registry.gauge(pendingId, pendingBytes);
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
      registry.unregister(pendingId);
    },
  };
}
