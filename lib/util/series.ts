/**
 * The data types that flow from the scraper (and the push endpoints) to remote
 * write. Kept here, in a leaf module, so neither stage imports the other.
 *
 * @module
 */

/** One label of a series. The metric name is the label `__name__`. */
export interface Label {
  name: string;
  value: string;
}

/** One sample: a float value and a timestamp in milliseconds since the Unix epoch. */
export interface Sample {
  value: number;
  timestamp: number;
}

/** A series with its samples, as Prometheus remote write's `TimeSeries`. */
export interface TimeSeries {
  labels: Label[];
  samples: Sample[];
}

/**
 * Where finished batches go. `push` must never block on remote storage: it
 * queues (or drops and counts, in stateless mode) and returns at once.
 * It returns false when the data was dropped because the queue was full.
 */
export interface Sink {
  push(series: TimeSeries[]): boolean;
}

/** The staleness marker: a NaN with the bits 0x7ff0000000000002, as Prometheus defines it. */
export const STALE_NAN: number = (() => {
  const view = new DataView(new ArrayBuffer(8));
  view.setUint32(0, 0x7ff00000);
  view.setUint32(4, 0x00000002);
  return view.getFloat64(0);
})();

/** Returns true when `v` carries the exact bits of {@linkcode STALE_NAN}. */
export function isStaleNaN(v: number): boolean {
  if (v === v) return false;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  return view.getUint32(0) === 0x7ff00000 && view.getUint32(4) === 2;
}
