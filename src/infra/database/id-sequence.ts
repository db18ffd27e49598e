/**
 * The id sequence of `table`, for `nextval(...)` in a statement that draws many ids: looked up once, in a
 * sub-select (pg_get_serial_sequence per id costs more than the nextval itself).
 */
export const idSequenceOf = (table: 'flows' | 'alerts') =>
  `(SELECT pg_get_serial_sequence('${table}', 'id'))::regclass`;
