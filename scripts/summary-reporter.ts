import type { Reporter, TestModule } from 'vitest/node';

/**
 * The backends the database and bus tests ran on: PGlite and the in-process bus always, Postgres and
 * Redis when DATABASE_URL and REDIS_URL are set (in CI a missing one fails the tests that need it,
 * see packages/server/src/test/backends.ts). A run that says "pglite, memory" did not test production's.
 */
export function backendsLabel(env: NodeJS.ProcessEnv): string {
  const db = env.DATABASE_URL ? 'pglite+postgres' : 'pglite';
  const bus = env.REDIS_URL ? 'memory+redis' : 'memory';
  return `${db}, ${bus}`;
}

/**
 * Ends the run with one plain line, "tests: N passed, N failed, N skipped (backends)", that any CI
 * reads without knowing vitest's own summary format.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const mod of testModules) {
      let failedHere = 0;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') failedHere++;
        else counts.skipped++;
      }
      // A file that failed to load, or whose beforeAll threw (its tests then count as skipped), has
      // no failed test of its own but must still fail the count.
      counts.failed += mod.state() === 'failed' ? Math.max(failedHere, 1) : failedHere;
    }
    process.stdout.write(
      `\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (${backendsLabel(process.env)})\n`,
    );
  }
}
