import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { accounts } from './scenarios/accounts.ts';
import { battle } from './scenarios/battle.ts';
import { discovery } from './scenarios/discovery.ts';
import { fanout } from './scenarios/fanout.ts';
import { giftFunction } from './scenarios/gift-function.ts';
import { gifts } from './scenarios/gifts.ts';
import { latency } from './scenarios/latency.ts';
import { metrics } from './scenarios/metrics.ts';
import { push } from './scenarios/push.ts';
import { rewards } from './scenarios/rewards.ts';
import type { Scenario } from './types.ts';

const SCENARIOS: Scenario[] = [
  accounts,
  latency,
  gifts,
  giftFunction,
  fanout,
  battle,
  metrics,
  discovery,
  rewards,
  push,
];
const RESULTS = fileURLToPath(new URL('../results', import.meta.url));

function usage(): string {
  return [
    'usage: npm run bench -- <scenario> [--quick]',
    '',
    'scenarios:',
    ...SCENARIOS.map((s) => `  ${s.name.padEnd(12)} ${s.description}`),
    '',
    '--quick  a shorter run (under a minute)',
  ].join('\n');
}

const isPrimitive = (v: unknown) => v === null || typeof v !== 'object';

/**
 * The printed summary: top-level figures, and objects of figures one level down as `key.field` rows.
 * Deeper detail (per-phase breakdowns) stays in the JSON file only.
 */
function tableRows(result: Record<string, unknown>): Record<string, { value: unknown }> {
  const rows: Record<string, { value: unknown }> = {};
  for (const [k, v] of Object.entries(result)) {
    if (isPrimitive(v)) rows[k] = { value: v };
    else if (Array.isArray(v)) rows[k] = { value: v.every(isPrimitive) ? v.join(', ') : `${v.length} items` };
    else
      for (const [sub, x] of Object.entries(v as Record<string, unknown>))
        if (isPrimitive(x)) rows[`${k}.${sub}`] = { value: x };
  }
  return rows;
}

export async function main(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const names = argv.filter((a) => !a.startsWith('--'));
  if (names.length === 0 || argv.includes('--help')) {
    console.log(usage());
    process.exit(names.length === 0 && !argv.includes('--help') ? 2 : 0);
  }
  for (const name of names) {
    const scenario = SCENARIOS.find((s) => s.name === name);
    if (!scenario) {
      console.error(`unknown scenario "${name}"\n\n${usage()}`);
      process.exit(2);
    }
    console.log(`bench ${scenario.name}${quick ? ' (quick)' : ''}: ${scenario.description}`);
    const started = new Date();
    const result = await scenario.run({ quick, log: (m) => console.log(`  ${m}`) });
    const record = { scenario: scenario.name, quick, startedAt: started.toISOString(), ...result };
    console.table(tableRows(result));
    mkdirSync(RESULTS, { recursive: true });
    const file = path.join(RESULTS, `${scenario.name}.json`);
    writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
}
