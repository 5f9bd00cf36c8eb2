// Replacing a file so that a reader (and a crash) sees the old or the new content, never a
// half-written one: write a temporary file in the same directory (rename(2) is atomic only
// within one file system), fsync it, rename it over the target.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, symlinkSync, unlinkSync, writeSync } from "node:fs";

/** Writes `data` to `path` atomically and durably; `mode` (default 0644, before the umask) applies to a new file. */
export function writeFileAtomic(path: string, data: Uint8Array | string, opts: { mode?: number } = {}): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, "w", opts.mode ?? 0o644);
    try {
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
      let at = 0;
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
      // Flushed before the rename: a crash right after must not leave an empty or zero-filled file.
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    discard(tmp);
    throw e;
  }
  renameOrDiscard(tmp, path);
}

/** Points the symlink `path` at `target` with one rename of a fresh link: readers see the old or the new target, never none. */
export function symlinkAtomic(target: string, path: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  renameOrDiscard(tmp, path);
}

/** rename(2) `tmp` over `path`; on failure `tmp` is removed, not left behind. */
function renameOrDiscard(tmp: string, path: string): void {
  try {
    renameSync(tmp, path);
  } catch (e) {
    discard(tmp);
    throw e;
  }
}

function discard(tmp: string): void {
  try {
    unlinkSync(tmp);
  } catch {}
}

/** fsync a directory so renames in it survive a crash; best effort (not every file system allows it). */
export function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {} // the renames are still atomic
}
