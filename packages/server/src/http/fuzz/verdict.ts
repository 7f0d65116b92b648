import { ERROR_CODES } from '@onair/protocol';
import type { LoggedError } from './world.ts';

const CODES = new Set<string>(ERROR_CODES);

/**
 * What is wrong with an answer, or null: a 5xx is always wrong; a 4xx must carry
 * `{ error: { code, message } }` with a code from the protocol's list (clients branch on it).
 */
export function problemWith(status: number, body: string, method: string): string | null {
  if (status >= 500) return `status ${status}`;
  if (status < 400 || method === 'HEAD') return null;
  let parsed: { error?: { code?: unknown; message?: unknown } };
  try {
    parsed = JSON.parse(body);
  } catch {
    return `status ${status} with a body that is not JSON`;
  }
  const code = parsed?.error?.code;
  if (typeof code !== 'string' || !CODES.has(code)) return `status ${status} without a known error code`;
  if (typeof parsed.error?.message !== 'string') return `status ${status} without an error message`;
  return null;
}

export interface Finding {
  where: string;
  problem: string;
  request: unknown;
  status: number;
  body: string;
  logged?: LoggedError | undefined;
}

const clip = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

/** Findings grouped by route, problem and cause, each with its first request (escaped, so U+0000 shows). */
export function report(findings: Finding[]): string {
  const groups = new Map<string, { first: Finding; count: number }>();
  for (const f of findings) {
    const cause = f.logged?.err?.message ?? f.logged?.msg ?? '';
    const key = `${f.where} | ${f.problem} | ${cause.slice(0, 80)}`;
    const group = groups.get(key);
    if (group) group.count += 1;
    else groups.set(key, { first: f, count: 1 });
  }
  return [...groups.values()]
    .map(({ first: f, count }) =>
      [
        `${f.where}: ${f.problem} (${count}×)`,
        `  request: ${clip(JSON.stringify(f.request), 600)}`,
        `  answer:  ${clip(f.body)}`,
        ...(f.logged ? [`  logged:  ${clip(JSON.stringify(f.logged.err ?? f.logged.msg))}`] : []),
      ].join('\n'),
    )
    .join('\n');
}
