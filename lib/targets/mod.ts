/**
 * The target stage: discovered groups + job -> scrape targets (vmagent's order of
 * labels, relabeling, sharding, URL, option labels, `instance`), duplicate detection,
 * and the registry the status pages read.
 *
 * @module
 */
export * from "./types.ts";
export { type BuildOptions, type BuildResult, buildScrapeTargets } from "./build.ts";
export { mergeLabels, sortDedupeKeepLast } from "./merge_labels.ts";
export { checkScrapeURL, getScrapeURL, type ScrapeURL } from "./scrape_url.ts";
export {
  formatLabels,
  jobKeyPart,
  targetId,
  targetKey,
  type TargetKeyFields,
} from "./target_key.ts";
export {
  type Duplicate,
  duplicateMessage,
  duplicateToDropped,
  splitDuplicates,
  uniqueClusterTargets,
} from "./duplicates.ts";
export { DroppedTargets } from "./dropped_targets.ts";
export { TargetRegistry, type TargetsSnapshot, type TargetsView } from "./registry.ts";
