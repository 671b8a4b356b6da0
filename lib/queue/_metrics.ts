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

/** Escapes a label value for the Prometheus text format. */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** Creates (or finds) the metrics of the queue at `path` named `name`. */
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
