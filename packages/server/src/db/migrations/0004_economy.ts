import { type Kysely, sql } from 'kysely';

/** The platform's own accounts: value enters and leaves the ledger through these. */
export const SYSTEM_ACCOUNTS = [
  ['coin_issuance', 'COIN'],
  ['coin_sink', 'COIN'],
  ['diamond_issuance', 'DIAMOND'],
  ['diamond_redeemed', 'DIAMOND'],
  ['payment_clearing', 'FIAT_CENTS'],
  ['platform_revenue', 'FIAT_CENTS'],
] as const;

// TikTok's public price points: packages from 70 coins for $0.99 to 17,500 for $249.99.
const PACKAGES: [string, number, number][] = [
  ['coins_70', 70, 99],
  ['coins_350', 350, 499],
  ['coins_700', 700, 999],
  ['coins_1400', 1400, 1999],
  ['coins_3500', 3500, 4999],
  ['coins_7000', 7000, 9999],
  ['coins_17500', 17_500, 24_999],
];

// Gifts from a 1-coin Rose to the ~45,000-coin Universe; tier follows price.
const GIFTS: [string, string, number, string, string, string][] = [
  ['rose', 'Rose', 1, '🌹', 'float', 'small'],
  ['tiktok', 'TikTok', 1, '🎵', 'float', 'small'],
  ['finger_heart', 'Finger Heart', 5, '🫰', 'float', 'small'],
  ['perfume', 'Perfume', 20, '🧴', 'float', 'small'],
  ['doughnut', 'Doughnut', 30, '🍩', 'float', 'small'],
  ['hat_and_mustache', 'Hat and Mustache', 99, '🎩', 'float', 'small'],
  ['hand_hearts', 'Hand Hearts', 100, '🫶', 'burst', 'medium'],
  ['corgi', 'Corgi', 299, '🐶', 'burst', 'medium'],
  ['money_gun', 'Money Gun', 500, '💸', 'banner', 'medium'],
  ['galaxy', 'Galaxy', 1000, '🌌', 'fullscreen', 'large'],
  ['whale_diving', 'Whale Diving', 2150, '🐋', 'fullscreen', 'large'],
  ['drama_queen', 'Drama Queen', 5000, '👑', 'fullscreen', 'large'],
  ['sports_car', 'Sports Car', 7000, '🏎️', 'fullscreen', 'large'],
  ['interstellar', 'Interstellar', 10_000, '🚀', 'fullscreen', 'epic'],
  ['rosa_nebula', 'Rosa Nebula', 15_000, '🌠', 'fullscreen', 'epic'],
  ['tiktok_shuttle', 'TikTok Shuttle', 20_000, '🛸', 'fullscreen', 'epic'],
  ['lion', 'Lion', 29_999, '🦁', 'fullscreen', 'epic'],
  ['universe', 'TikTok Universe', 44_999, '🪐', 'fullscreen', 'epic'],
];

/**
 * The money loop: a double-entry ledger (accounts, transfers, postings), coin packages and purchases,
 * the gift catalog and sent gifts, withdrawals.
 *
 * Postings and gift rows carry no foreign keys on purpose: a per-row RI check on the hottest insert
 * path would cost more than the gift itself. Their integrity (every posting names an existing account
 * and transfer, every gift transfer has its gift row) is proven by the ledger checker instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ledger_accounts')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('owner_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('system_code', 'text', (c) => c.unique())
    .addColumn('asset', 'text', (c) => c.notNull().check(sql`asset in ('COIN', 'DIAMOND', 'FIAT_CENTS')`))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('user', 'system')`))
    .addColumn('balance', 'bigint', (c) => c.notNull().defaultTo(0))
    // Fraction of a diamond (1/10,000) owed to a creator and carried to their next gift.
    .addColumn('carry', 'integer', (c) => c.notNull().defaultTo(0).check(sql`carry >= 0 and carry < 10000`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'ledger_accounts_owner_or_system',
      sql`(kind = 'user' and owner_id is not null and system_code is null) or (kind = 'system' and owner_id is null and system_code is not null)`,
    )
    // A user can never owe the platform coins, diamonds or cents.
    .addCheckConstraint('ledger_accounts_user_not_negative', sql`kind = 'system' or balance >= 0`)
    .addUniqueConstraint('ledger_accounts_owner_asset', ['owner_id', 'asset'])
    .execute();

  await db.schema
    .createTable('ledger_transfers')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    // Fingerprint of the request that made the transfer: a retry must match it.
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('ledger_postings')
    .addColumn('account_id', 'bigint', (c) => c.notNull())
    .addColumn('transfer_id', 'bigint', (c) => c.notNull())
    .addColumn('asset', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount <> 0`))
    .addColumn('balance_after', 'bigint', (c) => c.notNull())
    // One index serves both uniqueness and the statement (an account's postings, newest first).
    .addPrimaryKeyConstraint('ledger_postings_pk', ['account_id', 'transfer_id'])
    .execute();

  await db.schema
    .createTable('coin_packages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('coins', 'bigint', (c) => c.notNull().check(sql`coins > 0`))
    .addColumn('price_cents', 'bigint', (c) => c.notNull().check(sql`price_cents > 0`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('purchases')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('package_id', 'text', (c) => c.notNull())
    .addColumn('coins', 'bigint', (c) => c.notNull().check(sql`coins > 0`))
    .addColumn('price_cents', 'bigint', (c) => c.notNull().check(sql`price_cents > 0`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull().check(sql`provider in ('sandbox', 'stripe')`))
    // Checkout session (Stripe) or sandbox reference; payment id = the PaymentIntent once known.
    .addColumn('provider_ref', 'text', (c) => c.unique())
    .addColumn('provider_payment_id', 'text', (c) => c.unique())
    .addColumn('checkout_url', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'succeeded', 'failed', 'refunded', 'disputed')`),
    )
    .addColumn('failure_reason', 'text')
    .addColumn('coins_reversed', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('purchases_user_key', ['user_id', 'idempotency_key'])
    .execute();

  // A provider event applies once: its id is recorded in the same transaction as its effect.
  await db.schema
    .createTable('payment_events')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('payment_events_pk', ['provider', 'event_id'])
    .execute();

  await db.schema
    .createTable('gift_catalog')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('coins', 'bigint', (c) => c.notNull().check(sql`coins > 0`))
    .addColumn('icon', 'text', (c) => c.notNull())
    .addColumn('animation', 'text', (c) => c.notNull())
    .addColumn('tier', 'text', (c) => c.notNull().check(sql`tier in ('small', 'medium', 'large', 'epic')`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // One row per sent gift, keyed by its ledger transfer; prices are copied as they were when sent.
  await db.schema
    .createTable('gift_events')
    .addColumn('transfer_id', 'bigint', (c) => c.primaryKey())
    .addColumn('sender_id', 'uuid', (c) => c.notNull())
    .addColumn('creator_id', 'uuid', (c) => c.notNull())
    .addColumn('session_id', 'uuid', (c) => c.notNull())
    .addColumn('gift_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('coins', 'bigint', (c) => c.notNull())
    .addColumn('diamonds', 'bigint', (c) => c.notNull())
    .addColumn('streak_id', 'text', (c) => c.notNull())
    .addColumn('streak_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('gift_events_session_idx').on('gift_events').column('session_id').execute();

  await db.schema
    .createTable('withdrawals')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('diamonds', 'bigint', (c) => c.notNull().check(sql`diamonds > 0`))
    .addColumn('gross_cents', 'bigint', (c) => c.notNull())
    .addColumn('fee_cents', 'bigint', (c) => c.notNull())
    .addColumn('net_cents', 'bigint', (c) => c.notNull().check(sql`net_cents > 0`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'approved', 'paid', 'failed', 'rejected')`),
    )
    .addColumn('failure_reason', 'text')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_ref', 'text')
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('paid_at', 'timestamptz')
    .addUniqueConstraint('withdrawals_user_key', ['user_id', 'idempotency_key'])
    .addCheckConstraint('withdrawals_amounts', sql`gross_cents = fee_cents + net_cents and fee_cents >= 0`)
    .execute();
  await db.schema
    .createIndex('withdrawals_user_idx')
    .on('withdrawals')
    .columns(['user_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('withdrawals_status_idx')
    .on('withdrawals')
    .columns(['status', 'created_at'])
    .execute();

  // System accounts first: they get the lowest ids, so sorted-order locking always takes them first.
  for (const [code, asset] of SYSTEM_ACCOUNTS) {
    await sql`insert into ledger_accounts (system_code, asset, kind) values (${code}, ${asset}, 'system')`.execute(
      db,
    );
  }
  for (const [i, [id, coins, price]] of PACKAGES.entries()) {
    await sql`insert into coin_packages (id, coins, price_cents, currency, sort) values (${id}, ${coins}, ${price}, 'USD', ${i * 10})`.execute(
      db,
    );
  }
  for (const [i, [id, name, coins, icon, animation, tier]] of GIFTS.entries()) {
    await sql`insert into gift_catalog (id, name, coins, icon, animation, tier, sort) values (${id}, ${name}, ${coins}, ${icon}, ${animation}, ${tier}, ${i * 10})`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'withdrawals',
    'gift_events',
    'gift_catalog',
    'payment_events',
    'purchases',
    'coin_packages',
    'ledger_postings',
    'ledger_transfers',
    'ledger_accounts',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
