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

const NAN_VIEW = new DataView(new ArrayBuffer(8));

/**
 * Returns true when `v` is the staleness marker: the bits of {@linkcode STALE_NAN}, or the
 * same payload with the quiet bit set (`0x7ff8000000000002`), which V8 may produce when it
 * moves the value through a double array. Encoders write the exact marker bits back.
 */
export function isStaleNaN(v: number): boolean {
  if (v === v) return false;
  NAN_VIEW.setFloat64(0, v);
  const hi = NAN_VIEW.getUint32(0);
  return (hi === 0x7ff00000 || hi === 0x7ff80000) && NAN_VIEW.getUint32(4) === 2;
}
