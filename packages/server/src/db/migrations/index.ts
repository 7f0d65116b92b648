import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_accounts.ts';
import * as m0002 from './0002_live_social.ts';
import * as m0003 from './0003_chat.ts';
import * as m0004 from './0004_economy.ts';
import * as m0005 from './0005_battles.ts';
import * as m0006 from './0006_metrics.ts';
import * as m0007 from './0007_ledger_tuning.ts';
import * as m0008 from './0008_gift_batch.ts';
import * as m0009 from './0009_gift_batch_compact.ts';
import * as m0010 from './0010_gift_live_check.ts';
import * as m0011 from './0011_jobs.ts';
import * as m0012 from './0012_discovery.ts';
import * as m0013 from './0013_live_events.ts';
import * as m0014 from './0014_search.ts';
import * as m0015 from './0015_rewards.ts';
import * as m0016 from './0016_fan_clubs.ts';
import * as m0017 from './0017_leagues.ts';
import * as m0018 from './0018_ranking_folds.ts';
import * as m0019 from './0019_search_speed.ts';
import * as m0020 from './0020_push.ts';

/** Every migration, in order. Names are permanent once released: they are the keys in kysely_migration. */
export const migrations: Record<string, Migration> = {
  '0001_accounts': m0001,
  '0002_live_social': m0002,
  '0003_chat': m0003,
  '0004_economy': m0004,
  '0005_battles': m0005,
  '0006_metrics': m0006,
  '0007_ledger_tuning': m0007,
  '0008_gift_batch': m0008,
  '0009_gift_batch_compact': m0009,
  '0010_gift_live_check': m0010,
  '0011_jobs': m0011,
  '0012_discovery': m0012,
  '0013_live_events': m0013,
  '0014_search': m0014,
  '0015_rewards': m0015,
  '0016_fan_clubs': m0016,
  '0017_leagues': m0017,
  '0018_ranking_folds': m0018,
  '0019_search_speed': m0019,
  '0020_push': m0020,
};
