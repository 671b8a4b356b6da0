/**
 * Worker entry of the target farm: `start` → ports, `snapshot` → {@linkcode FarmStats},
 * `resetGaps`, `stop`.
 *
 * @module
 */
import { type FarmOptions, TargetFarm } from "./_farm.ts";
import { serveRpc } from "./_rpc.ts";

let farm: TargetFarm | undefined;

serveRpc(async (req) => {
  switch (req.type) {
    case "start": {
      if (farm !== undefined) await farm.stop();
      farm = new TargetFarm(req.options as FarmOptions);
      return { ports: farm.start(), seriesPerScrape: farm.seriesPerScrape };
    }
    case "snapshot":
      if (farm === undefined) throw new Error("farm not started");
      return farm.snapshot();
    case "resetGaps":
      farm?.resetGaps();
      return null;
    case "stop":
      await farm?.stop();
      farm = undefined;
      return null;
    default:
      throw new Error(`unknown request ${req.type}`);
  }
});
