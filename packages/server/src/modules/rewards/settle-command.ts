import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { createDomainEvents } from '../../events/domain-events.ts';
import { createJobs } from '../../jobs/jobs.ts';
import { createLedger } from '../economy/ledger.ts';
import { rewardsConfig } from './rewards.config.ts';
import { createRewardsService } from './rewards.service.ts';
import { readModelInputs } from './weekly-inputs.ts';

/**
 * `onair settle-rewards --week YYYY-MM-DD`: pays the week holding that local date now, the same
 * steps as the weekly job (which then finds everyone paid). Refused, with nothing moved, when the
 * week has not ended.
 */
export async function settleRewardsWeek(db: Db, config: Config, log: Logger, date: string) {
  const jobs = createJobs({ db, log, pollMs: 1_000, worker: false });
  const rewards = createRewardsService({
    db,
    ledger: createLedger(db),
    jobs,
    events: createDomainEvents({ log }),
    config: rewardsConfig(config),
    inputs: readModelInputs,
    now: Date.now,
    log,
  });
  return rewards.settleWeek(date);
}
