import { AppError } from '../../errors.ts';

export type CsvCell = string | number | boolean | null;

/**
 * RFC 4180 CSV. Text cells that a spreadsheet would run as a formula (=, +, -, @ first) get a leading
 * apostrophe: a viewer's display name must not become a command in the creator's spreadsheet.
 */
export function toCsv<C extends string>(columns: readonly C[], rows: readonly Record<C, CsvCell>[]): string {
  const cell = (v: CsvCell): string => {
    if (v === null) return '';
    if (typeof v !== 'string') return String(v);
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  const lines = [columns.join(',')];
  for (const r of rows) lines.push(columns.map((c) => cell(r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** The columns asked for (comma-separated, in that order), or all of them; unknown names are a coded 400. */
export function pickColumns<C extends string>(all: readonly C[], requested: string | undefined): C[] {
  if (!requested) return [...all];
  const names = requested.split(',');
  const unknown = names.filter((n) => !(all as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new AppError(
      'studio.csv_invalid',
      400,
      `Unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`,
      {
        unknown,
        allowed: all,
      },
    );
  }
  if (new Set(names).size !== names.length) {
    throw new AppError('studio.csv_invalid', 400, 'A column is listed twice.', { allowed: all });
  }
  return names as C[];
}
