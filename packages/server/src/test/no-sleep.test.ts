import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Tests wait for facts (an ack, an event, `eventually()`, an injected clock), never for time: a
 * sleep before an assertion passes on an idle laptop and fails on a loaded CI machine, or hides a
 * missing acknowledgement. This file fails the suite naming every test file that sleeps.
 */

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Each a way of waiting for time rather than for a fact. */
const SLEEPS: Array<[RegExp, string]> = [
  [/\bawait\s+(?:\w+\.)?(?:sleep|delay|pause|wait)\(/, 'awaits a sleep'],
  [/new Promise(?:<[^>]*>)?\(\s*\(?\s*\w+\s*\)?\s*=>\s*setTimeout\(/, 'wraps setTimeout in a promise'],
  [/\bsetTimeout\s+as\s+\w+\b.*['"]node:timers\/promises['"]/, 'imports the promise setTimeout'],
  [/\bawait\s+setTimeout\(/, 'awaits the promise setTimeout'],
  [/\.waitForTimeout\(/, "waits with Playwright's waitForTimeout"],
  [
    /\b(?:until|eventually|waitFor)\([^()]*,\s*(?:async\s*)?\(\)\s*=>\s*true\s*[,)]/,
    'waits for a fact that is always true',
  ],
];

/**
 * Waits that are not synchronisation, each with why it stays. A line matches an entry when it is in
 * `file` and contains `line`; the count must be exact, so a new sleep beside an allowed one fails.
 */
const ALLOWED: Array<{ file: string; line: string; count: number; why: string }> = [
  {
    file: 'packages/server/src/testing/eventually.ts',
    line: 'delay',
    count: 2,
    why: 'the pause between two probes of a fact, the one place a test waits at all',
  },
  {
    file: 'e2e/src/economy.e2e.ts',
    line: '.waitForTimeout(',
    count: 4,
    why: 'frames a screenshot of a gift effect or sheet mid-animation; every assertion waits on the page',
  },
];

/** The test files and test helpers of the repository, relative to its root. */
function testSources(): string[] {
  const roots = ['packages', 'e2e', 'bench', 'scripts'];
  const isTestCode = (rel: string) =>
    /\.(test|e2e)\.ts$/.test(rel) ||
    /^packages\/server\/src\/(test|testing)\/[^/]+\.ts$/.test(rel) ||
    rel === 'packages/server/src/media/test-support.ts' ||
    /^e2e\/src\/[^/]+\.ts$/.test(rel);
  const files: string[] = [];
  for (const root of roots) {
    for (const entry of readdirSync(path.join(ROOT, root), { recursive: true, encoding: 'utf8' })) {
      const rel = `${root}/${entry.split(path.sep).join('/')}`;
      if (rel.includes('/node_modules/') || rel.includes('/dist/')) continue;
      // This file spells out the sleeps it looks for.
      if (isTestCode(rel) && rel !== 'packages/server/src/test/no-sleep.test.ts') files.push(rel);
    }
  }
  return files.sort();
}

/** `file:line: what` for every sleep in `text`, skipping comments. */
function findSleeps(file: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (/^\s*(\/\/|\*|\/\*)/.test(line)) return;
    for (const [pattern, what] of SLEEPS) {
      if (pattern.test(line)) found.push(`${file}:${i + 1}: ${what}: ${line.trim()}`);
    }
  });
  return found;
}

describe('tests wait for facts, not time', () => {
  it('recognises the usual ways of sleeping, and leaves facts alone', () => {
    const bad = [
      'await sleep(100);',
      'await H.sleep(50);',
      'await delay(5);',
      'await new Promise((r) => setTimeout(r, 200));',
      'const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));',
      "import { setTimeout as sleep } from 'node:timers/promises';",
      'await setTimeout(20);',
      'await page.waitForTimeout(300);',
      "await until('acks', () => true);",
    ];
    for (const line of bad) expect(findSleeps('x.ts', line), line).toHaveLength(1);
    const good = [
      "await eventually('20 comments', () => rec.comments().length === 20);",
      "const ack = await socket.next('ack');",
      'const timer = setTimeout(() => reject(new Error("no frame")), timeoutMs);',
      "const closed = await within(app.close(), 10_000, 'hung');",
      '// await sleep(100) would hide a missing ack',
    ];
    for (const line of good) expect(findSleeps('x.ts', line), line).toEqual([]);
  });

  it('no test file or test helper sleeps', () => {
    const files = testSources();
    expect(files.length).toBeGreaterThan(40);
    const problems: string[] = [];
    for (const file of files) {
      let found = findSleeps(file, readFileSync(path.join(ROOT, file), 'utf8'));
      for (const allowed of ALLOWED.filter((a) => a.file === file)) {
        const matching = found.filter((f) => f.includes(allowed.line));
        if (matching.length === allowed.count) found = found.filter((f) => !matching.includes(f));
        else
          problems.push(
            `${file}: ${matching.length} allowed waits, expected ${allowed.count} (${allowed.why})`,
          );
      }
      problems.push(...found);
    }
    expect(
      problems,
      `wait for a fact instead (see packages/server/src/test/eventually.ts):\n${problems.join('\n')}`,
    ).toEqual([]);
  });
});
