/**
 * The fuzz suites run a fixed seed, so `npm test` is reproducible and bounded; FUZZ_SEED picks another
 * (the suites print the one they used) and FUZZ_RUNS scales the number of cases (more for a long
 * hunt, fewer on a slow machine).
 */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const RUNS_SCALE = Number(process.env.FUZZ_RUNS ?? 1);

/** `base` cases scaled by FUZZ_RUNS (a multiplier: 0.5 halves, 10 is a long hunt). */
export const runs = (base: number) => Math.max(1, Math.round(base * RUNS_SCALE));

/** A seed per name, so adding a route does not change the cases of every other one. */
export function seedFor(name: string): number {
  let h = FUZZ_SEED | 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x9e3779b1);
  return h >>> 0;
}
