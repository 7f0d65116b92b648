import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { round } from './stats.ts';

/** Clock ticks per second of /proc's CPU counters (USER_HZ, 100 on Linux). */
const TICK_MS = 10;

function machineTicks(): { busy: number; total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number) as number[];
    const total = user! + nice! + system! + idle! + iowait! + irq! + softirq! + steal!;
    return { busy: total - idle! - iowait!, total };
  } catch {
    return null;
  }
}

/** CPU time so far of every local `postgres` process (backends, WAL writer, checkpointer, autovacuum), by pid. */
function postgresTicks(): Map<string, number> | null {
  const ticks = new Map<string, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm !== 'postgres') continue;
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(pid, Number(rest[11]) + Number(rest[12]));
    } catch {
      // The process ended between listing and reading.
    }
  }
  return ticks.size > 0 ? ticks : null;
}

/**
 * CPU between two readings: processes in both count their difference, new ones all of theirs. One
 * that ended in between (an idle pool connection closed) is left out, not subtracted.
 */
function postgresMsBetween(before: Map<string, number>, after: Map<string, number>): number {
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return ticks * TICK_MS;
}

/** Whether DATABASE_URL names a Postgres on this machine, whose processes can be read. */
export function postgresIsLocal(): boolean {
  const url = process.env.DATABASE_URL;
  return !!url && ['127.0.0.1', 'localhost', '[::1]', ''].includes(new URL(url).hostname);
}

export interface CpuUse {
  /** This process (load generator and, in-process phases, the server), all threads. */
  benchProcessMs: number;
  /** Local Postgres processes; null on PGlite or a database on another machine. */
  postgresMs: number | null;
  /** Share of the machine's CPU time that was busy, all processes. */
  machineBusyPct: number | null;
}

/**
 * Where the CPU went during a phase: figures per unit of work show what a change saved even when the
 * throughput itself is noisy. Postgres is counted only when it runs on this machine.
 */
export function cpuMeter(withPostgres: boolean) {
  const t0 = process.cpuUsage();
  const m0 = machineTicks();
  const p0 = withPostgres ? postgresTicks() : null;
  return (): CpuUse => {
    const t = process.cpuUsage(t0);
    const m1 = machineTicks();
    const p1 = withPostgres ? postgresTicks() : null;
    return {
      benchProcessMs: round((t.user + t.system) / 1000, 0),
      postgresMs: p0 && p1 ? postgresMsBetween(p0, p1) : null,
      machineBusyPct: m0 && m1 ? round((100 * (m1.busy - m0.busy)) / Math.max(1, m1.total - m0.total)) : null,
    };
  };
}

/** CPU per committed unit in microseconds, from a phase's use and count. */
export function cpuPerUnit(use: CpuUse, units: number) {
  const per = (ms: number | null) => (ms === null || units === 0 ? null : round((ms * 1000) / units, 1));
  return {
    benchProcessUs: per(use.benchProcessMs),
    postgresUs: per(use.postgresMs),
    machineBusyPct: use.machineBusyPct,
    cores: cpus().length,
  };
}

/** One line for a log: what a unit cost this process and Postgres, and how busy the machine was. */
export function cpuText(cpu: ReturnType<typeof cpuPerUnit> | null): string {
  return cpu
    ? `${cpu.benchProcessUs} µs this process, ${cpu.postgresUs ?? '?'} µs Postgres, machine ${cpu.machineBusyPct}% busy`
    : 'not measured';
}
