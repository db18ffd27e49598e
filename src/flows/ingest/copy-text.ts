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

/**
 * A float array literal (`{1,NaN,Infinity}`); NaN and ±Infinity are valid float values in PostgreSQL. Typed
 * arrays are joined natively (the same spelling of numbers as `String(number)`).
 */
export function floatArray(values: Float64Array | Float32Array | readonly number[] | null): string {
  if (!values) return NULL;
  return `{${values.join(',')}}`;
}

export function timestamp(value: Date | null | undefined): string {
  return value ? value.toISOString() : NULL;
}
