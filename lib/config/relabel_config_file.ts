/**
 * Relabel config files (`-remoteWrite.relabelConfig`, `-remoteWrite.urlRelabelConfig`):
 * a YAML list of relabel rules, `%{ENV}`-expanded, always parsed strictly (as vmagent's
 * `promrelabel.LoadRelabelConfigs`).
 *
 * @module
 */
import type { RelabelRule } from "../relabel/types.ts";
import { ConfigError } from "../util/field_error.ts";
import { readConfigText, type ReadOptions } from "./load_config.ts";
import { compileRelabelList } from "./_relabel.ts";
import { YamlFile } from "./_yaml_file.ts";

/**
 * Parses the text of a relabel config file (already `%{ENV}`-expanded).
 *
 * @throws {ConfigError} naming file, line, column and path (`[2].regex`) of the problem.
 *
 * @example
 * ```ts
 * const rules = parseRelabelConfigText("- action: drop\n  source_labels: [env]\n  regex: dev\n", {
 *   file: "relabel.yml",
 * });
 * ```
 */
export function parseRelabelConfigText(text: string, opts: { file: string }): RelabelRule[] {
  const y = YamlFile.parse(text, { file: opts.file, strict: true, unknownFieldHint: "" });
  return compileRelabelList(y, { node: y.root, path: [] }).rules;
}

/**
 * Reads a relabel config file (path or http(s) URL), expands `%{ENV}` and parses it.
 *
 * @throws {ConfigError} when it cannot be read or is invalid.
 *
 * @example
 * ```ts
 * const rules = await loadRelabelConfigFile("/etc/vmagent/relabel.yml");
 * ```
 */
export async function loadRelabelConfigFile(
  path: string,
  opts: ReadOptions = {},
): Promise<RelabelRule[]> {
  let text: string;
  try {
    text = await readConfigText(path, opts);
  } catch (e) {
    throw new ConfigError(path, 0, 0, "", `cannot read relabel configs: ${(e as Error).message}`);
  }
  return parseRelabelConfigText(text, { file: path });
}
