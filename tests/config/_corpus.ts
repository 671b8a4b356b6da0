// Helpers for the config test corpus in tests/testdata/config/.
import type { Config, ScrapeConfig } from "../../lib/config/types.ts";

/** Folder of the corpus. */
export const CORPUS = new URL("../testdata/config/", import.meta.url);

/** The file names (without `.yml`) of a corpus folder, sorted; `.masked.yml` files excluded. */
export function corpusNames(folder: string): string[] {
  const names: string[] = [];
  for (const e of Deno.readDirSync(new URL(folder + "/", CORPUS))) {
    if (e.name.endsWith(".yml") && !e.name.endsWith(".masked.yml")) names.push(e.name.slice(0, -4));
  }
  return names.sort();
}

/** Reads a corpus file as text. */
export function corpusText(path: string): string {
  return Deno.readTextFileSync(new URL(path, CORPUS));
}

/** What a job looks like with every default: expected files list only the fields that differ. */
export const DEFAULT_JOB: Omit<ScrapeConfig, "jobName"> = {
  scrapeInterval: 60000,
  scrapeTimeout: 10000,
  metricsPath: "/metrics",
  scheme: "http",
  params: [],
  honorLabels: false,
  honorTimestamps: false,
  http: { headers: [], followRedirects: true },
  relabelConfigs: [],
  metricRelabelConfigs: [],
  sampleLimit: 0,
  seriesLimit: 0,
  labelLimit: 0,
  maxScrapeSize: 0,
  scrapeAlignInterval: 0,
  scrapeOffset: 0,
  streamParse: false,
  disableCompression: false,
  disableKeepalive: false,
  noStaleMarkers: false,
  staticConfigs: [],
  fileSdConfigs: [],
  kubernetesSdConfigs: [],
};

/** A Config reduced to comparable JSON: relabel rules as written, no fingerprints or raw text. */
export function comparable(cfg: Config): unknown {
  return {
    global: cfg.global,
    scrapeConfigs: cfg.scrapeConfigs.map(({ fingerprint: _, ...sc }) => ({
      ...sc,
      relabelConfigs: sc.relabelConfigs.map((r) => r.source),
      metricRelabelConfigs: sc.metricRelabelConfigs.map((r) => r.source),
    })),
  };
}

/** Expands an expected-file object: each job is DEFAULT_JOB plus its listed fields. */
export function withDefaults(
  want: { global: unknown; scrapeConfigs: Record<string, unknown>[] },
): unknown {
  return {
    global: want.global,
    scrapeConfigs: want.scrapeConfigs.map((j) => ({ ...DEFAULT_JOB, ...j })),
  };
}
