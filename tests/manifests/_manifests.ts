/**
 * Reads the Kubernetes manifests and the Dockerfile for the manifest tests, and gives the
 * scrape config the ConfigMap carries (for a `-dryRun` check: write {@linkcode scrapeConfigText}
 * to a file and run the agent with `-promscrape.config=<file> -dryRun`).
 *
 * @module
 */
import { parseAllDocuments } from "yaml";

/** The repository root. */
export const ROOT: URL = new URL("../../", import.meta.url);

/** A parsed manifest document with where it came from. */
export interface ManifestDoc {
  /** Path relative to the repository root, e.g. `manifests/rbac.yaml`. */
  file: string;
  /** Index of the document in its file. */
  index: number;
  // deno-lint-ignore no-explicit-any
  doc: any;
}

/** Lists the YAML files of a folder (not recursive), sorted, relative to the repository root. */
export function yamlFiles(folder: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(new URL(folder, ROOT))) {
    if (e.isFile && /\.ya?ml$/.test(e.name)) out.push(`${folder.replace(/\/$/, "")}/${e.name}`);
  }
  return out.sort();
}

/** Parses every document of the given files; throws on YAML errors or warnings. */
export function loadDocs(files: string[]): ManifestDoc[] {
  const out: ManifestDoc[] = [];
  for (const file of files) {
    const text = Deno.readTextFileSync(new URL(file, ROOT));
    parseAllDocuments(text).forEach((d, index) => {
      if (d.errors.length > 0 || d.warnings.length > 0) {
        throw new Error(`${file}[${index}]: ${[...d.errors, ...d.warnings].join("; ")}`);
      }
      const doc = d.toJS();
      if (doc !== null && doc !== undefined) out.push({ file, index, doc });
    });
  }
  return out;
}

/** The documents `kubectl apply -f manifests/` applies (top-level files only). */
export function appliedDocs(): ManifestDoc[] {
  return loadDocs(yamlFiles("manifests"));
}

/** The single document of `kind` (and `name`, when given) among `docs`. */
export function only(docs: ManifestDoc[], kind: string, name?: string): ManifestDoc {
  const found = docs.filter((d) =>
    d.doc.kind === kind && (name === undefined || d.doc.metadata?.name === name)
  );
  if (found.length !== 1) {
    throw new Error(`want exactly one ${kind}${name ? ` ${name}` : ""}, found ${found.length}`);
  }
  return found[0];
}

/** The scrape config text the ConfigMap mounts as `/config/scrape.yml`. */
export function scrapeConfigText(): string {
  const cm = only(appliedDocs(), "ConfigMap").doc;
  const text = cm.data?.["scrape.yml"];
  if (typeof text !== "string") throw new Error("the ConfigMap has no scrape.yml");
  return text;
}

/** The Dockerfile's text. */
export function dockerfileText(): string {
  return Deno.readTextFileSync(new URL("Dockerfile", ROOT));
}
