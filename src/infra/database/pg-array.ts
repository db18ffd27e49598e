/** Elements an array literal holds without quotes: numbers, addresses, ISO timestamps, plain words. */
const PLAIN = /^[0-9A-Za-z:.+-]+$/;
/** A bare word PostgreSQL would read as a NULL element rather than as text. */
const NULL_WORD = /^null$/i;

/** One element of an array literal. */
function element(value: string | number | Date | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return String(value); // NaN, Infinity and -Infinity read back as such
  if (value instanceof Date) return value.toISOString(); // throws for an invalid date, as its column would
  if (PLAIN.test(value) && !NULL_WORD.test(value)) return value;
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * A one-dimensional PostgreSQL array literal (`{1,2,NULL,"DoS Hulk"}`) of numbers, text, timestamps and NULLs, for
 * a parameter cast to an array type (`$1::inet[]`). node-pg encodes an array parameter by quoting and escaping
 * every element and writing dates in local time; the ingest statements send tens of arrays of up to thousands of
 * elements per batch, and this writes the same values with one test per element, quoting only what needs it.
 */
export function pgArray(values: readonly (string | number | Date | null)[]): string {
  let literal = '{';
  for (let i = 0; i < values.length; i++) literal += (i ? ',' : '') + element(values[i]);
  return `${literal}}`;
}
