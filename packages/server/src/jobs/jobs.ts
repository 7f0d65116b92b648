import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import * as repo from './jobs.repository.ts';

type Trx = Transaction<Database>;

export interface Job<P = unknown> {
  id: number;
  kind: string;
  key: string;
  payload: P;
  /** Failed runs before this one. */
  attempts: number;
  runAt: number;
}

export interface JobContext<P = unknown> {
  job: Job<P>;
  /**
   * The claiming transaction, which holds the job's row: what the handler writes through it commits
   * together with the job's removal, or not at all. On the embedded database it is the only
   * connection, so the handler must not use another one.
   */
  trx: Trx;
  /** Runs once the transaction has committed (announcements, caches); never for a rolled-back run. */
  afterCommit(fn: () => unknown): void;
}

export type JobHandler<P = unknown> = (ctx: JobContext<P>) => Promise<void>;

export interface JobKindOptions {
  /** Failed runs before the job is given up on (kept with `failed_at`, never claimed again). */
  maxAttempts?: number;
  /** Delay before the next run after `attempt` failed runs (1, 2, …). */
  backoffMs?: (attempt: number) => number;
}

export interface JobsDeps {
  db: Db;
  log: Logger;
  /** How often the worker loop looks for due jobs. */
  pollMs: number;
  /** Run the worker loop in this process (the `worker` role); `runDue()` works either way. */
  worker: boolean;
  /** Milliseconds since the epoch; tests drive time with it. Default: the database's clock. */
  clock?: () => number;
}

const DEFAULTS: Required<JobKindOptions> = {
  maxAttempts: 10,
  backoffMs: (attempt) => Math.min(1_000 * 2 ** (attempt - 1), 600_000),
};
/** Jobs one `runDue()` runs at most before it lets the loop breathe. */
const PER_ROUND = 500;

const at = (when: number | Date) => (typeof when === 'number' ? new Date(when) : when);

/**
 * Durable jobs: rows in `jobs`, one per (kind, key), claimed by any node's worker with
 * `FOR UPDATE SKIP LOCKED` and run inside the claiming transaction (see README.md).
 */
export function createJobs(deps: JobsDeps) {
  const { db, log } = deps;
  const handlers = new Map<string, { handler: JobHandler; options: Required<JobKindOptions> }>();
  const now = () => (deps.clock ? repo.fixedNow(deps.clock()) : repo.dbNow);
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<unknown> | null = null;
  let closed = false;

  /** Claims one due job and runs it; what happened, or null when nothing was due. */
  async function runOne(kinds: string[]): Promise<'done' | 'failed' | null> {
    const claimed: { job?: repo.JobRow } = {};
    const after: (() => unknown)[] = [];
    try {
      const ran = await db.transaction().execute(async (trx) => {
        const row = await repo.claim(trx, kinds, now());
        if (!row) return false;
        claimed.job = row;
        const kind = handlers.get(row.kind)!;
        await kind.handler({
          job: {
            id: row.id,
            kind: row.kind,
            key: row.key,
            payload: row.payload,
            attempts: row.attempts,
            runAt: row.runAt.getTime(),
          },
          trx,
          afterCommit: (fn) => after.push(fn),
        });
        await repo.finish(trx, row.id, row.revision);
        return true;
      });
      if (!ran) return null;
    } catch (err) {
      const job = claimed.job;
      if (!job) throw err;
      const { options } = handlers.get(job.kind)!;
      const attempt = job.attempts + 1;
      const retryInMs = attempt >= options.maxAttempts ? null : options.backoffMs(attempt);
      log[retryInMs === null ? 'error' : 'warn'](
        { err, kind: job.kind, key: job.key, attempt, retryInMs },
        retryInMs === null ? 'job failed for good' : 'job failed, will retry',
      );
      await repo.failed(db, job, err instanceof Error ? err.message : String(err), retryInMs, now());
      return 'failed';
    }
    for (const fn of after) {
      try {
        await fn();
      } catch (err) {
        log.warn({ err, kind: claimed.job?.kind, key: claimed.job?.key }, 'job after-commit step failed');
      }
    }
    return 'done';
  }

  /** Runs every job that is due now, one at a time; resolves with how many runs there were. */
  async function runDue(): Promise<number> {
    const kinds = [...handlers.keys()];
    let n = 0;
    while (n < PER_ROUND && !closed) {
      if ((await runOne(kinds)) === null) break;
      n++;
    }
    return n;
  }

  return {
    /**
     * Schedules `kind` for `key` at `runAt` (ms or Date). Idempotent per (kind, key): a pending job
     * of the same key is replaced (time, payload, attempts). Pass `trx` to schedule atomically with
     * the change that calls for it.
     */
    async schedule(
      kind: string,
      key: string,
      runAt: number | Date,
      payload: unknown = {},
      trx: Db | Trx = db,
    ): Promise<void> {
      await repo.upsert(trx, kind, key, at(runAt), payload);
    },

    /** Moves a pending job to another time; false when there is none (or it gave up). */
    reschedule(kind: string, key: string, runAt: number | Date, trx: Db | Trx = db): Promise<boolean> {
      return repo.move(trx, kind, key, at(runAt));
    },

    /** Drops a job (pending or given up); false when there was none. */
    cancel(kind: string, key: string, trx: Db | Trx = db): Promise<boolean> {
      return repo.remove(trx, kind, key);
    },

    /** The stored job of a key, if any (inspection, tests). */
    find: (kind: string, key: string) => repo.find(db, kind, key),

    /** The handler of a kind on this node: only registered kinds are claimed here. */
    register<P = unknown>(kind: string, handler: JobHandler<P>, options: JobKindOptions = {}): void {
      if (handlers.has(kind)) throw new Error(`job kind ${kind} is registered twice`);
      handlers.set(kind, { handler: handler as JobHandler, options: { ...DEFAULTS, ...options } });
    },

    runDue,
    /** One round of the worker loop, awaited (tests): the same as `runDue`. */
    tick: runDue,

    /** Starts the polling loop on worker nodes. */
    start(): void {
      if (timer || closed || !deps.worker) return;
      timer = setInterval(() => {
        if (ticking) return;
        ticking = runDue()
          .catch((err) => log.error({ err }, 'jobs round failed'))
          .finally(() => {
            ticking = null;
          });
      }, deps.pollMs);
      timer.unref();
    },

    /** Stops the loop and waits for the run in progress (before the database closes). */
    async stop(): Promise<void> {
      closed = true;
      if (timer) clearInterval(timer);
      timer = null;
      await ticking;
    },
  };
}

export type Jobs = ReturnType<typeof createJobs>;
