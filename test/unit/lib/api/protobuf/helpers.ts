import { testdataDir } from '../../../../helpers/testdata.js';

/** test/testdata/protobuf of the checkout. */
export function protobufTestdataDir(): string {
  return testdataDir('protobuf');
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
