/**
 * File-name patterns as Go's `filepath.Glob` expands them, which vmagent uses for
 * `scrape_config_files` and `file_sd_configs[].files`: `*` (any run of characters but
 * `/`), `?` (one character but `/`), `[a-z]` / `[^0-9]` classes and `\` escapes, within
 * one path segment; no `**`. Matches are returned sorted.
 *
 * @module
 */
import { cleanPath } from "./_path.ts";

/** File system access for {@linkcode globPaths}; defaults use `Deno`. */
export interface GlobOptions {
  /** Names in a folder; throws when it is not a readable folder. @default Deno.readDir */
  readDir?: (dir: string) => Promise<string[]>;
  /** Whether a path exists (without following a final symlink, like `lstat`). @default Deno.lstat */
  exists?: (path: string) => Promise<boolean>;
}

const META = /[*?[\\]/;

async function defaultReadDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names;
}

async function defaultExists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

function escapeRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? "\\" + c : c;
}

function escapeClassChar(c: string): string {
  return /[\\\][^-]/.test(c) ? "\\" + c : c;
}

const compiled = new Map<string, RegExp>();

/** Translates a Go `filepath.Match` pattern to an anchored RegExp. */
function compile(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (re !== undefined) return re;
  const bad = () => new RangeError(`syntax error in pattern ${JSON.stringify(pattern)}`);
  let src = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") src += "[^/]*";
    else if (c === "?") src += "[^/]";
    else if (c === "\\") {
      if (++i >= pattern.length) throw bad();
      src += escapeRegExp(pattern[i]);
    } else if (c === "[") {
      // Go's getEsc: a class character may not be an unescaped `-` or `]`.
      const esc = (): string => {
        let ch = pattern[i];
        if (ch === undefined || ch === "-" || ch === "]") throw bad();
        if (ch === "\\") ch = pattern[++i];
        if (ch === undefined) throw bad();
        i++;
        return ch;
      };
      let cls = "[";
      i++;
      if (pattern[i] === "^") {
        cls += "^";
        i++;
      }
      for (let n = 0; !(pattern[i] === "]" && n > 0); n++) {
        const lo = esc();
        let hi = lo;
        if (pattern[i] === "-") {
          i++;
          hi = esc();
        }
        // Go accepts an empty range such as `z-a`; it just never matches.
        if (hi >= lo) cls += escapeClassChar(lo) + (hi === lo ? "" : "-" + escapeClassChar(hi));
      }
      src += cls + "]";
    } else src += escapeRegExp(c);
  }
  re = new RegExp(`^${src}$`, "u");
  compiled.set(pattern, re);
  return re;
}

/**
 * Whether `name` matches the Go `filepath.Match` pattern.
 *
 * @throws {RangeError} when the pattern is malformed.
 *
 * @example
 * ```ts
 * matchGlob("*.yml", "jobs.yml"); // true
 * matchGlob("job[0-9].yml", "jobA.yml"); // false
 * ```
 */
export function matchGlob(pattern: string, name: string): boolean {
  return compile(pattern).test(name);
}

/**
 * Expands a pattern into the existing paths it matches, sorted, like Go's
 * `filepath.Glob`; a pattern without metacharacters yields itself when it exists.
 *
 * @throws {RangeError} when the pattern is malformed.
 *
 * @example
 * ```ts
 * const files = await globPaths("/etc/vmagent/jobs/*.yml");
 * ```
 */
export async function globPaths(pattern: string, opts: GlobOptions = {}): Promise<string[]> {
  const readDir = opts.readDir ?? defaultReadDir;
  const exists = opts.exists ?? defaultExists;
  if (!META.test(pattern)) return (await exists(pattern)) ? [pattern] : [];
  const slash = pattern.lastIndexOf("/");
  const dir = slash < 0 ? "." : slash === 0 ? "/" : cleanPath(pattern.slice(0, slash));
  const file = pattern.slice(slash + 1);
  compile(file); // report a bad pattern even when no folder matches
  const dirs = META.test(dir) ? await globPaths(dir, opts) : [dir];
  const out: string[] = [];
  for (const d of dirs) {
    let names: string[];
    try {
      names = await readDir(d);
    } catch {
      continue; // not a folder, or unreadable: no matches there (as Go)
    }
    for (const n of names.sort()) {
      if (matchGlob(file, n)) out.push(slash < 0 ? n : d === "/" ? "/" + n : `${d}/${n}`);
    }
  }
  return out.sort();
}
