import { writeFileSync } from 'node:fs';
import { DEFAULT_RANKING } from '@onair/core';
import { createDatabase } from '/work/main/packages/server/src/db/database.ts';
import { signalsQuery } from '/work/main/packages/server/src/modules/discovery/signals.read-model.ts';

const h = createDatabase({ url: 'postgres://postgres@127.0.0.1:5432/disc_dev10' });
const q = signalsQuery(Date.now(), DEFAULT_RANKING).compile(h.db);
writeFileSync(
  '/tmp/q.sql',
  q.sql.replace(/\$(\d+)/g, (_, i) => {
    const v = q.parameters[Number(i) - 1];
    return v instanceof Date
      ? `'${v.toISOString()}'::timestamptz`
      : typeof v === 'number'
        ? String(v)
        : `'${v}'`;
  }),
);
await h.close();
