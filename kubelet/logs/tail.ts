// Where the last N lines of a file begin (the kubelet's tail.FindTailLineStartIndex): reads
// backwards in blocks counting newlines, so tailing a large log costs only the tail.
import type { FileHandle } from 'node:fs/promises';

const BLOCK = 64 * 1024;

/** Byte offset of the first of the last `lines` lines of the first `size` bytes (0 when fewer). */
export async function tailStartOffset(file: FileHandle, size: number, lines: number): Promise<number> {
  if (lines <= 0) return size;
  const buf = Buffer.allocUnsafe(BLOCK);
  let end = size;
  let seen = 0;
  let first = true;
  while (end > 0) {
    const start = Math.max(0, end - BLOCK);
    const { bytesRead } = await file.read(buf, 0, end - start, start);
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (buf[i] !== 0x0a) continue;
      // The newline that ends the file closes the last line; it does not start one.
      if (first && start + i === size - 1) continue;
      seen++;
      if (seen === lines) return start + i + 1;
    }
    first = false;
    end = start;
  }
  return 0;
}
