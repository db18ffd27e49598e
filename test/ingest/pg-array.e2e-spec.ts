import fc from 'fast-check';
import { pgArray } from '../../src/infra/database/pg-array';
import { sharedDatabaseClient } from '../setup/test-database';

/** PostgreSQL reads pgArray's literals as the same arrays as node-pg's own encoding of the values. */
describe('pgArray against PostgreSQL', () => {
  const pg = sharedDatabaseClient();

  const same = async (values: unknown[], type: string) => {
    const { rows } = await pg.query(`SELECT $1::${type}[] IS NOT DISTINCT FROM $2::${type}[] AS same, $1::${type}[]::text AS ours`, [
      pgArray(values as (string | number | Date | null)[]),
      values,
    ]);
    return rows[0] as { same: boolean; ours: string };
  };

  it('text of any characters PostgreSQL stores, and NULLs', async () => {
    const text = fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\u0000'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(text, fc.constantFrom('null', 'NULL', '', ' ', '"', '\\', ',', '{}')), { maxLength: 12 }), async (values) => {
        expect(await same(values, 'text')).toMatchObject({ same: true });
      }),
      { numRuns: 200 },
    );
  });

  it('numbers, addresses, timestamps and enum labels', async () => {
    expect(await same([1, -2.5, 1e-7, 3.4028234663852886e38, null, NaN, Infinity], 'real')).toMatchObject({ same: true });
    expect(await same(['9007199254740993', null, '1'], 'bigint')).toMatchObject({ same: true });
    expect(await same(['198.18.0.1', '2001:db8::1', null], 'inet')).toMatchObject({ same: true });
    expect(await same([new Date('2026-11-21T17:00:00.123Z'), null, new Date(0)], 'timestamptz')).toMatchObject({ same: true });
    expect(await same(['low', 'critical', null], 'risk_level')).toMatchObject({ same: true });
  });
});
