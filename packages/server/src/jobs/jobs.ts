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

/**
 * A leased job's run: no transaction is held while it works (an HTTP call, a transcode). The claim
 * commits with the job's `run_at` moved `leaseMs` ahead, so a node that dies mid-run leaves the job
 * to be claimed again once the lease is over. The handler must therefore be safe to run again:
 * record its progress as it goes (each step in its own short write) and skip what is done.
 */
export type LeasedJobHandler<P = unknown> = (ctx: { job: Job<P>; db: Db }) => Promise<void>;

export interface LeasedJobKindOptions extends JobKindOptions {
  /**
   * How long a claim holds the job without renewal; a running handler renews it every third of it.
   * A node that dies leaves its job to the others after at most this long.
   */
  leaseMs: number;
}

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
  /** Leased jobs one node runs at once, beside the transactional ones (default 4). */
  leasedConcurrency?: number;
}

const DEFAULTS: Required<JobKindOptions> = {
  maxAttempts: 10,
  backoffMs: (attempt) => Math.min(1_000 * 2 ** (attempt - 1), 600_000),
};
/** Jobs one `runDue()` runs at most before it lets the loop breathe. */
const PER_ROUND = 500;

const at = (when: number | Date) => (typeof when === 'number' ? new Date(when) : when);

const jobOf = (row: repo.JobRow): Job => ({
  id: row.id,
  kind: row.kind,
  key: row.key,
  payload: row.payload,
  attempts: row.attempts,
  runAt: row.runAt.getTime(),
});

/**
 * Durable jobs: rows in `jobs`, one per (kind, key), claimed by any node's worker with
 * `FOR UPDATE SKIP LOCKED` and run inside the claiming transaction (see README.md).
 */
export function createJobs(deps: JobsDeps) {
  const { db, log } = deps;
  const handlers = new Map<string, { handler: JobHandler; options: Required<JobKindOptions> }>();
  const leased = new Map<string, { handler: LeasedJobHandler; options: Required<LeasedJobKindOptions> }>();
  const now = () => (deps.clock ? repo.fixedNow(deps.clock()) : repo.dbNow);
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<unknown> | null = null;
  let closed = false;

  /** A run threw: count the attempt and put the job off by its backoff, or give up on it. */
  async function failedRun(
    job: repo.JobRow,
    options: Required<JobKindOptions>,
    err: unknown,
  ): Promise<'failed'> {
    const attempt = job.attempts + 1;
    const retryInMs = attempt >= options.maxAttempts ? null : options.backoffMs(attempt);
    log[retryInMs === null ? 'error' : 'warn'](
      { err, kind: job.kind, key: job.key, attempt, retryInMs },
      retryInMs === null ? 'job failed for good' : 'job failed, will retry',
    );
    await repo.failed(db, job, err instanceof Error ? err.message : String(err), retryInMs, now());
    return 'failed';
  }

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
          job: jobOf(row),
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
      return failedRun(job, handlers.get(job.kind)!.options, err);
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

  /**
   * Claims one due leased job, commits the claim (its run_at moved a lease ahead, its revision
   * bumped so only this run may finish it), then runs the handler with no transaction open.
   */
  async function runOneLeased(kinds: string[]): Promise<'done' | 'failed' | null> {
    const row = await db.transaction().execute(async (trx) => {
      const claimed = await repo.claim(trx, kinds, now());
      if (!claimed) return undefined;
      const revision = await repo.lease(trx, claimed.id, leased.get(claimed.kind)!.options.leaseMs, now());
      return { ...claimed, revision };
    });
    if (!row) return null;
    const kind = leased.get(row.kind)!;
    // A live run keeps renewing its lease, so the lease can be short: a dead node's job is picked
    // up within one lease, however long a healthy run takes.
    const renew = setInterval(() => {
      repo
        .renew(db, row.id, row.revision, kind.options.leaseMs, now())
        .catch((err) => log.warn({ err, kind: row.kind, key: row.key }, 'job lease not renewed'));
    }, kind.options.leaseMs / 3);
    try {
      await kind.handler({
        job: jobOf(row),
        db,
      });
      await repo.finish(db, row.id, row.revision);
      return 'done';
    } catch (err) {
      return failedRun(row, kind.options, err);
    } finally {
      clearInterval(renew);
    }
  }

  /** One lane: runs due jobs of `kinds` until none is due, `width` at a time. */
  async function lane(run: (kinds: string[]) => Promise<unknown>, kinds: string[], width: number) {
    let n = 0;
    let idle = false;
    const worker = async () => {
      while (!idle && n < PER_ROUND && !closed) {
        n++;
        if ((await run(kinds)) === null) {
          n--;
          idle = true;
        }
      }
    };
    await Promise.all(Array.from({ length: kinds.length === 0 ? 0 : width }, worker));
    return n;
  }

  /**
   * Runs every job that is due now; resolves with how many runs there were. Transactional jobs run
   * one at a time; leased ones (long, outside a transaction) in a lane of their own beside them,
   * so a burst of deliveries never holds back a battle's deadline.
   */
  async function runDue(): Promise<number> {
    const [a, b] = await Promise.all([
      lane(runOne, [...handlers.keys()], 1),
      lane(runOneLeased, [...leased.keys()], deps.leasedConcurrency ?? 4),
    ]);
    return a + b;
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
      if (handlers.has(kind) || leased.has(kind)) throw new Error(`job kind ${kind} is registered twice`);
      handlers.set(kind, { handler: handler as JobHandler, options: { ...DEFAULTS, ...options } });
    },

    /** A kind that runs outside a transaction under a lease (HTTP calls, media work). */
    registerLeased<P = unknown>(
      kind: string,
      handler: LeasedJobHandler<P>,
      options: LeasedJobKindOptions,
    ): void {
      if (handlers.has(kind) || leased.has(kind)) throw new Error(`job kind ${kind} is registered twice`);
      leased.set(kind, { handler: handler as LeasedJobHandler, options: { ...DEFAULTS, ...options } });
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
