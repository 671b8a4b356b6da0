/**
 * Worker entry of the counting sink: `start` → port, `snapshot` → {@linkcode SinkCounts},
 * `window` → {@linkcode SinkWindow}, `reset`, `stop`.
 *
 * @module
 */
import { CountingSink } from "./_sink.ts";
import { serveRpc } from "./_rpc.ts";

const sink = new CountingSink();
let port = 0;

serveRpc(async (req) => {
  switch (req.type) {
    case "start":
      if (port === 0) port = sink.start();
      return { port };
    case "snapshot":
      return sink.snapshot();
    case "window":
      return sink.window(req.fromMs as number, req.toMs as number);
    case "reset":
      sink.reset();
      return null;
    case "stop":
      await sink.stop();
      port = 0;
      return null;
    default:
      throw new Error(`unknown request ${req.type}`);
  }
});
