import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** test/testdata/protobuf, found by walking up from the (compiled) test file to the repo root. */
export function protobufTestdataDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let k = 0; k < 10; k++) {
    const candidate = join(dir, 'test', 'testdata', 'protobuf');
    if (existsSync(candidate) && existsSync(join(dir, 'package.json'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('test/testdata/protobuf not found above the test file');
}

/**
 * Drops null values, recursively. Go prints null for an unset non-omitempty list, map or pointer
 * (e.g. `"creationTimestamp": null`), which protobuf has no way to carry; everything else must match.
 */
export function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = stripNulls(x);
    return out;
  }
  return v;
}
