// Untyped object access shared by defaulting and validation, which both run on whatever a client
// sent and must tolerate wrong shapes (leaving them for validation to report) instead of throwing.

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object at o[key], or undefined when absent or not an object. */
export function child(o: Obj | undefined, key: string): Obj | undefined {
  const v = o?.[key];
  return isObj(v) ? v : undefined;
}
