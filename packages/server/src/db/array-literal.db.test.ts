import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabaseHandle, testDatabases } from '../test/databases.ts';
import { intArrayLiteral, textArrayLiteral } from './array-literal.ts';

describe('array literals', () => {
  it('refuses an element that is not a safe integer instead of sending text Postgres would misread', () => {
    expect(intArrayLiteral([1, -2, 0])).toBe('{1,-2,0}');
    expect(() => intArrayLiteral([1.5])).toThrow(TypeError);
    expect(() => intArrayLiteral([Number.NaN])).toThrow(TypeError);
  });
});

describe.each(testDatabases())('array literals on $name', (kind) => {
  let database: TestDatabaseHandle;
  beforeAll(async () => {
    database = await kind.create();
  });
  afterAll(() => database?.drop());

  const roundTrip = async (values: string[]) => {
    const { rows } = await sql<{
      v: string[] | null;
    }>`select ${textArrayLiteral(values)}::text[] as v`.execute(database.db);
    return rows[0]!.v ?? [];
  };

  it('reads back exactly the strings that were sent, awkward ones included', async () => {
    const awkward = [
      '',
      'NULL',
      'null',
      'a,b',
      '{x}',
      ' lead',
      'trail ',
      '"quoted"',
      'back\\slash',
      'é ✓ 🎁',
      '\\"',
    ];
    expect(await roundTrip(awkward)).toEqual(awkward);
    expect(await roundTrip([])).toEqual([]);
    // Any string without NUL (which Postgres text cannot hold) survives the trip.
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\0')),
          { maxLength: 8 },
        ),
        async (values) => {
          expect(await roundTrip(values)).toEqual(values);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads back integers', async () => {
    const { rows } = await sql<{
      v: number[];
    }>`select ${intArrayLiteral([3, -1, 2 ** 40])}::int8[] as v`.execute(database.db);
    expect(rows[0]!.v.map(Number)).toEqual([3, -1, 2 ** 40]);
  });
});
