/**
 * The small read-only file system view that process and resource metrics use,
 * so tests can hand in a fake `/proc` and `/sys/fs/cgroup`.
 *
 * @module
 */

/** Reads text files and counts directory entries; `undefined` when unreadable. */
export interface ProcFs {
  /** Returns the whole file, or undefined when it cannot be read. */
  readTextFile(path: string): string | undefined;
  /** Returns the number of entries in a directory, or undefined when it cannot be read. */
  countDirEntries(path: string): number | undefined;
}

/**
 * The real file system (`Deno.readTextFileSync`, `Deno.readDirSync`).
 *
 * @example
 * ```ts
 * const stat = REAL_PROC_FS.readTextFile("/proc/self/stat");
 * ```
 */
export const REAL_PROC_FS: ProcFs = {
  readTextFile(path: string): string | undefined {
    try {
      return Deno.readTextFileSync(path);
    } catch {
      return undefined;
    }
  },
  countDirEntries(path: string): number | undefined {
    try {
      let n = 0;
      for (const _ of Deno.readDirSync(path)) n++;
      return n;
    } catch {
      return undefined;
    }
  },
};

/**
 * A `ProcFs` over a map of path -> contents; a directory is given as a number
 * (its entry count). For tests.
 *
 * @example
 * ```ts
 * const fs = fakeProcFs({ "/proc/self/stat": "1 (x) S ...", "/proc/self/fd": 7 });
 * ```
 */
export function fakeProcFs(files: Record<string, string | number>): ProcFs {
  return {
    readTextFile: (path) => {
      const v = files[path];
      return typeof v === "string" ? v : undefined;
    },
    countDirEntries: (path) => {
      const v = files[path];
      return typeof v === "number" ? v : undefined;
    },
  };
}
