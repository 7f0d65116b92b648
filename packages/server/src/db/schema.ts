import type { SessionMetrics } from '@onair/core';
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { FanClubTables } from './fanclub-schema.ts';
import type { GrowthTables } from './growth-schema.ts';
import type { LeagueTables } from './leagues-schema.ts';
import type { PushTables } from './push-schema.ts';
import type { RewardTables } from './rewards-schema.ts';

export * from './growth-schema.ts';
export * from './leagues-schema.ts';
export * from './push-schema.ts';
export * from './rewards-schema.ts';

/** Kysely's view of the tables (camelCase here, snake_case in SQL via CamelCasePlugin). */
export interface Database extends GrowthTables, FanClubTables, RewardTables, LeagueTables, PushTables {
  users: UsersTable;
  authTokens: AuthTokensTable;
  rooms: RoomsTable;
  liveSessions: LiveSessionsTable;
  follows: FollowsTable;
  notifications: NotificationsTable;
  comments: CommentsTable;
  roomModerators: RoomModeratorsTable;
  roomSanctions: RoomSanctionsTable;
  userBlocks: UserBlocksTable;
  commentReports: CommentReportsTable;
  shareLinks: ShareLinksTable;
  ledgerAccounts: LedgerAccountsTable;
  ledgerTransfers: LedgerTransfersTable;
  ledgerPostings: LedgerPostingsTable;
  coinPackages: CoinPackagesTable;
  purchases: PurchasesTable;
  paymentEvents: PaymentEventsTable;
  giftCatalog: GiftCatalogTable;
  giftEvents: GiftEventsTable;
  withdrawals: WithdrawalsTable;
  battles: BattlesTable;
  battleMembers: BattleMembersTable;
  battleGifts: BattleGiftsTable;
  battleQueue: BattleQueueTable;
  battleStats: BattleStatsTable;
  metricEvents: MetricEventsTable;
  sessionMetrics: SessionMetricsTable;
  sessionViewers: SessionViewersTable;
  jobs: JobsTable;
}

export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface UsersTable {
  id: Generated<string>;
  handle: string;
  displayName: string;
  bio: Generated<string>;
  avatarUrl: string | null;
  role: 'viewer' | 'creator' | 'admin';
  passwordHash: string;
  createdAt: CreatedAt;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
}
export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;

export interface AuthTokensTable {
  id: Generated<string>;
  userId: string;
  kind: 'session' | 'api';
  name: string;
  tokenHash: string;
  createdAt: CreatedAt;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}
export type AuthTokenRow = Selectable<AuthTokensTable>;

export interface RoomsTable {
  creatorId: string;
  title: Generated<string>;
  topic: Generated<string>;
  hashtags: Generated<string[]>;
  streamKey: string;
  state: Generated<'offline' | 'live'>;
  currentSessionId: string | null;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
  slowModeS: Generated<number>;
  bannedWords: Generated<string[]>;
}
export type RoomRow = Selectable<RoomsTable>;

export type SessionStatus = 'connecting' | 'live' | 'ended';
export interface LiveSessionsTable {
  id: Generated<string>;
  creatorId: string;
  status: SessionStatus;
  title: string;
  topic: string;
  hashtags: string[];
  source: 'rtmp' | 'browser';
  ingestNode: string;
  clientIp: string | null;
  videoCodec: string | null;
  audioCodec: string | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  startedAt: CreatedAt;
  liveAt: Date | null;
  endedAt: Date | null;
  endReason: string | null;
  thumbnailAt: Date | null;
  summary: ColumnType<SessionSummary | null, string | null, string | null>;
  pinnedCommentId: string | null;
  peakViewers: Generated<number>;
}
export type LiveSessionRow = Selectable<LiveSessionsTable>;

export interface SessionSummary {
  durationS: number;
  liveDurationS: number;
  endReason: string;
}

export interface FollowsTable {
  followerId: string;
  creatorId: string;
  notify: Generated<boolean>;
  viaShare: string | null;
  createdAt: CreatedAt;
}

export interface NotificationsTable {
  id: Generated<string>;
  userId: string;
  kind: 'live_started' | 'event_reminder' | 'event_live' | 'event_cancelled';
  actorId: string | null;
  sessionId: string | null;
  eventId: string | null;
  createdAt: CreatedAt;
  readAt: Date | null;
}
export type NotificationRow = Selectable<NotificationsTable>;

export interface CommentsTable {
  id: string;
  sessionId: string;
  userId: string;
  text: string;
  replyTo: string | null;
  mentions: string[];
  seq: number;
  createdAt: CreatedAt;
  deletedAt: Date | null;
  deletedBy: string | null;
}
export type CommentRow = Selectable<CommentsTable>;

export interface RoomModeratorsTable {
  creatorId: string;
  userId: string;
  createdAt: CreatedAt;
}

export interface RoomSanctionsTable {
  creatorId: string;
  userId: string;
  kind: 'mute' | 'ban';
  until: Date | null;
  byUserId: string;
  createdAt: CreatedAt;
}

export interface UserBlocksTable {
  blockerId: string;
  blockedId: string;
  createdAt: CreatedAt;
}

export interface CommentReportsTable {
  id: Generated<string>;
  commentId: string;
  reporterId: string;
  reason: string;
  createdAt: CreatedAt;
  resolvedAt: Date | null;
}

export interface ShareLinksTable {
  code: string;
  sharerId: string;
  creatorId: string;
  sessionId: string | null;
  visits: Generated<number>;
  follows: Generated<number>;
  createdAt: CreatedAt;
}

// Economy (0004): every money column is int8, read back as a JS number (beyond 2^53 it throws).
export type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export interface LedgerAccountsTable {
  id: Generated<number>;
  ownerId: string | null;
  systemCode: string | null;
  asset: 'COIN' | 'DIAMOND' | 'FIAT_CENTS';
  kind: 'user' | 'system';
  balance: Generated<number>;
  carry: Generated<number>;
  createdAt: CreatedAt;
}
export type LedgerAccountRow = Selectable<LedgerAccountsTable>;

export interface LedgerTransfersTable {
  id: Generated<number>;
  idempotencyKey: string;
  kind: string;
  requestHash: string;
  createdAt: CreatedAt;
}

export interface LedgerPostingsTable {
  accountId: number;
  transferId: number;
  asset: string;
  amount: number;
  balanceAfter: number;
}

export interface CoinPackagesTable {
  id: string;
  coins: number;
  priceCents: number;
  currency: string;
  active: Generated<boolean>;
  sort: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}
export type CoinPackageRow = Selectable<CoinPackagesTable>;

export type PurchaseStatus = 'pending' | 'succeeded' | 'failed' | 'refunded' | 'disputed';
export interface PurchasesTable {
  id: Generated<string>;
  userId: string;
  packageId: string;
  coins: number;
  priceCents: number;
  currency: string;
  provider: 'sandbox' | 'stripe';
  providerRef: string | null;
  providerPaymentId: string | null;
  checkoutUrl: string | null;
  status: PurchaseStatus;
  failureReason: string | null;
  coinsReversed: Generated<number>;
  idempotencyKey: string;
  requestHash: string;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}
export type PurchaseRow = Selectable<PurchasesTable>;

export interface PaymentEventsTable {
  provider: string;
  eventId: string;
  type: string;
  receivedAt: CreatedAt;
}

export interface GiftCatalogTable {
  id: string;
  name: string;
  coins: number;
  icon: string;
  animation: 'float' | 'burst' | 'banner' | 'fullscreen';
  tier: 'small' | 'medium' | 'large' | 'epic';
  active: Generated<boolean>;
  sort: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}
export type GiftCatalogRow = Selectable<GiftCatalogTable>;

export interface GiftEventsTable {
  transferId: number;
  senderId: string;
  creatorId: string;
  sessionId: string;
  giftId: string;
  quantity: number;
  coins: number;
  diamonds: number;
  streakId: string;
  streakCount: number;
  createdAt: CreatedAt;
}
export type GiftEventRow = Selectable<GiftEventsTable>;

export type WithdrawalStatus = 'pending' | 'approved' | 'paid' | 'failed' | 'rejected';
export interface WithdrawalsTable {
  id: Generated<string>;
  userId: string;
  diamonds: number;
  grossCents: number;
  feeCents: number;
  netCents: number;
  currency: string;
  status: WithdrawalStatus;
  failureReason: string | null;
  provider: string;
  providerRef: string | null;
  idempotencyKey: string;
  requestHash: string;
  decidedBy: string | null;
  createdAt: CreatedAt;
  decidedAt: Date | null;
  paidAt: Date | null;
}
export type WithdrawalRow = Selectable<WithdrawalsTable>;

// Battles (0005): the state-machine row, members per side, counted gifts, queue, records (deadlines: jobs).
type Json<T> = ColumnType<T, string | undefined, string>;
export interface BattlesTable {
  id: Generated<string>;
  status: 'invited' | 'connecting' | 'active' | 'result' | 'ended';
  mode: 'invite' | 'match' | 'rematch';
  reason: 'finished' | 'forfeit' | 'declined' | 'cancelled' | 'expired' | null;
  rematchOf: string | null;
  inviteMs: number;
  connectMs: number;
  durationMs: number;
  resultMs: number;
  invitedAt: Date;
  expiresAt: Date | null;
  startsAt: Date | null;
  startedAt: Date | null;
  endsAt: Date | null;
  resultEndsAt: Date | null;
  endedAt: Date | null;
  extensions: Generated<number>;
  scores: Json<number[]>;
  final: Generated<boolean>;
  boosts: Json<{ kind: string; side: number; factor: number; from: number; until: number }[]>;
  lastGiftMs: Generated<number>;
  winner: number | null;
  forfeitBy: string | null;
  mvps: Json<{ userId: string; points: number }[][]>;
  createdAt: CreatedAt;
}
export type BattleRow = Selectable<BattlesTable>;

export interface BattleMembersTable {
  battleId: string;
  userId: string;
  side: number;
  slot: Generated<number>;
  sessionId: string | null;
  open: Generated<boolean>;
}

export interface BattleGiftsTable {
  battleId: string;
  transferId: number;
  side: number;
  senderId: string;
  giftId: string;
  coins: number;
  atMs: number;
}

export interface BattleQueueTable {
  userId: string;
  sessionId: string;
  friendsOnly: boolean;
  durationMs: number;
  resultMs: number;
  queuedAt: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface BattleStatsTable {
  userId: string;
  battles: Generated<number>;
  wins: Generated<number>;
  losses: Generated<number>;
  draws: Generated<number>;
  winStreak: Generated<number>;
  bestStreak: Generated<number>;
}

// Studio (0006): captured events, per-session rollups and per-session viewers.
export interface MetricEventsTable {
  sessionId: string;
  viewerId: string;
  kind: number;
  at: Date;
  value: number;
}

export interface SessionMetricsTable {
  sessionId: string;
  creatorId: string;
  startedAt: Date;
  endedAt: Date | null;
  final: Generated<boolean>;
  diamonds: Generated<number>;
  metrics: ColumnType<SessionMetrics, string, string>;
  followSources: ColumnType<{ sharerId: string | null; followers: number }[], string, string>;
  computedAt: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface SessionViewersTable {
  sessionId: string;
  creatorId: string;
  viewerId: string;
  sessionStartedAt: Date;
  firstAt: Date;
  watchMs: number;
  comments: number;
  hearts: number;
  shares: number;
  gifts: number;
  coins: number;
  followed: boolean;
}

// Jobs (0011): durable jobs, one row per pending (kind, key); see src/jobs/README.md.
export interface JobsTable {
  id: Generated<number>;
  kind: string;
  key: string;
  runAt: Date;
  payload: ColumnType<unknown, string | undefined, string>;
  attempts: Generated<number>;
  revision: Generated<number>;
  lastError: string | null;
  failedAt: Date | null;
  createdAt: CreatedAt;
}
