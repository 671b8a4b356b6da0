/**
 * Helpers for queue tests: temporary folders, captured log lines, a manual clock
 * and block fixtures.
 *
 * @module
 */
import { configureLogger } from "../../lib/util/log.ts";

/** A temporary folder removed on dispose: `using dir = tempDir();`. */
export function tempDir(): { path: string } & Disposable {
  const path = Deno.makeTempDirSync({ prefix: "vmagent-deno-queue-" });
  return {
    path,
    [Symbol.dispose]() {
      try {
        Deno.removeSync(path, { recursive: true });
      } catch {
        // already gone
      }
    },
  };
}

/** Captures log lines until disposed: `using logs = captureLogs();` then `logs.lines`. */
export function captureLogs(): { lines: string[]; text(): string } & Disposable {
  const lines: string[] = [];
  configureLogger({ write: (l) => lines.push(l) });
  return {
    lines,
    text: () => lines.join("\n"),
    [Symbol.dispose]() {
      configureLogger({});
    },
  };
}

/** A block whose bytes encode `id` and a length, and that `validBlock` recognises. */
export function block(id: number, size = 16): Uint8Array {
  const b = new Uint8Array(Math.max(size, 8));
  const v = new DataView(b.buffer);
  v.setUint32(0, (0xb10c0000 | (b.length & 0xffff)) >>> 0);
  v.setUint32(4, id);
  for (let i = 8; i < b.length; i++) b[i] = (id + i) & 0xff;
  return b;
}

/** Validates blocks made by {@linkcode block}. */
export function validBlock(b: Uint8Array): boolean {
  if (b.length < 8) return false;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getUint32(0) !== (0xb10c0000 | (b.length & 0xffff)) >>> 0) return false;
  const id = v.getUint32(4);
  for (let i = 8; i < b.length; i++) if (b[i] !== ((id + i) & 0xff)) return false;
  return true;
}

/** Returns the id of a block made by {@linkcode block}. */
export function blockId(b: Uint8Array): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(4);
}

/** Lists a folder's file names, sorted. */
export function listDir(path: string): string[] {
  return [...Deno.readDirSync(path)].map((e) => e.name).sort();
}
