/** The first segment of a field path: `flows[3].src_ip` → `flows`, `["a.b"].c` → `a.b`, `line 3` → `line 3`. */
export function rootOf(field: string): string {
  const quoted = /^\[("(?:[^"\\]|\\.)*")\]/.exec(field);
  if (quoted) return JSON.parse(quoted[1]) as string;
  return field.split(/[.[]/)[0];
}

/**
 * Whether a `details[].field` of an error names a field of the request: one the route declares, one the
 * client sent (an unknown field is named by its own key, quoted when it would not read as one), `body` for the
 * body as a whole, or `line N` of a text (NDJSON) body.
 */
export function namesAField(field: unknown, declared: ReadonlySet<string>, sent: unknown): boolean {
  if (typeof field !== 'string' || field.length === 0) return false;
  const root = rootOf(field);
  if (root === 'body' || declared.has(root)) return true;
  if (typeof sent === 'string') return /^line \d+$/.test(root);
  const sentKey = (key: string) => sent !== null && typeof sent === 'object' && Object.prototype.hasOwnProperty.call(sent, key);
  // a key the client sent, named as it was sent (even when it looks like a path)
  return sentKey(root) || sentKey(field);
}
