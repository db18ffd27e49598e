/** Encoders for PostgreSQL's COPY text format (tab-separated, `\N` for NULL, backslash escapes). */

export const NULL = '\\N';

export function text(value: string | null | undefined): string {
  if (value === null || value === undefined) return NULL;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

export function num(value: number | null | undefined): string {
  if (value === null || value === undefined) return NULL;
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return String(value);
}

/** A float array literal (`{1,NaN,Infinity}`); NaN and ±Infinity are valid float values in PostgreSQL. */
export function floatArray(values: ArrayLike<number> | null): string {
  if (!values) return NULL;
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i) out += ',';
    out += num(values[i]);
  }
  return `${out}}`;
}

export function timestamp(value: Date | null | undefined): string {
  return value ? value.toISOString() : NULL;
}
