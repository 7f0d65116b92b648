import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../app/api.ts';
import { browserTimeZone } from '../events/zones.ts';
import { errorMessage } from '../lib/errors.ts';

/**
 * The viewer's IANA zone, which the studio API reads days, weeks and hours in (DST included); a
 * fixed UTC offset would put every figure from the other side of a DST change an hour off.
 */
export const STUDIO_TZ = browserTimeZone();

export const COLORS = {
  viewers: '#25f4ee',
  hearts: '#fe2c55',
  comments: '#7c5cff',
  shares: '#ffd166',
  gifts: '#ff9f1c',
  followers: '#3ddc97',
  diamonds: '#7ad7ff',
  watch: '#e056fd',
  battle: '#ff9f1c',
};

/**
 * Loads when `key` changes (and on `reload`, e.g. from a polling interval), keeping the last value
 * while reloading. A result that arrives after unmount, or after `key` moved on, is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, key: string) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loader = useRef(load);
  loader.current = load;
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names what the load depends on.
  const run = useCallback(() => {
    let live = true;
    loader
      .current()
      .then((d) => {
        if (live && mounted.current) {
          setData(d);
          setError(null);
        }
      })
      .catch((err: unknown) => live && mounted.current && setError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, [key]);
  useEffect(() => run(), [run]);
  return { data, error, reload: run };
}

export function Figure({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: string;
  hint?: string;
  testId?: string;
}) {
  return (
    <div className="studio-figure" data-testid={testId}>
      <div className="studio-figure-value">{value}</div>
      <div className="studio-figure-label">{label}</div>
      {hint ? <div className="studio-figure-hint">{hint}</div> : null}
    </div>
  );
}

/** A link that downloads a studio table as CSV (the session cookie authenticates it). */
export function CsvLink(props: Parameters<typeof api.studioExportPath>[0] & { label?: string }) {
  const { label = 'Export CSV', ...query } = props;
  return (
    <a
      className="btn btn-secondary btn-sm"
      href={api.studioExportPath(query)}
      download
      data-testid={`csv-${query.dataset}`}
    >
      {label}
    </a>
  );
}

export const pct = (n: number) => `${Math.round(n * 100)}%`;

export function minutesLabel(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const m = seconds / 60;
  if (m < 60) return `${Math.round(m)} min`;
  return `${Math.round((m / 60) * 10) / 10} h`;
}

export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString('en-US', {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  });
}
