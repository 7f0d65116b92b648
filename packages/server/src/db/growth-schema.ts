import type { Generated, Selectable } from 'kysely';
import type { CreatedAt, UpdatedAt } from './schema.ts';

// The growth domains' tables (events, discovery), kept apart from schema.ts so neither file grows
// past what one reads at once; schema.ts re-exports them and lists them in `Database`.

// Events (0013): scheduled LIVEs and who asked to be reminded; see modules/events/README.md.
export type LiveEventStatus = 'scheduled' | 'live' | 'kept' | 'missed' | 'cancelled';
export interface LiveEventsTable {
  id: Generated<string>;
  creatorId: string;
  title: string;
  description: Generated<string>;
  startsAt: Date;
  timeZone: string;
  durationMin: number;
  coverUrl: string | null;
  hashtags: Generated<string[]>;
  status: LiveEventStatus;
  sessionId: string | null;
  rsvpCount: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}
export type LiveEventRow = Selectable<LiveEventsTable>;

export interface EventRsvpsTable {
  eventId: string;
  userId: string;
  createdAt: CreatedAt;
}

// Discovery (0012): the stored For You ranking; see modules/discovery/README.md.
export interface LiveRankingsTable {
  sessionId: string;
  creatorId: string;
  shortId: number;
  score: number;
  position: number;
  explorer: boolean;
  followers: number;
  topic: string;
  hashtags: string[];
  liveAt: Date;
  engagement: number;
  watchMs: number;
  newFollowers: number;
  consistency: number;
  retention: number;
  pEngagement: number;
  pWatch: number;
  pNewFollowers: number;
  pConsistency: number;
  pRetention: number;
  freshness: number;
  viewers: number;
  slowAt: Date;
  generation: number;
  computedAt: Date;
}
export type LiveRankingRow = Selectable<LiveRankingsTable>;

export interface RankingHistoryTable {
  sessionId: string;
  minute: Date;
  score: number;
  position: number;
  rooms: number;
}

export interface RankingStateTable {
  id: number;
  generation: number;
  computedAt: Date;
  rooms: number;
  tookMs: number;
  // The running totals' watermarks (0018); null until the first fold.
  foldedTo: Date | null;
  expiredTo: Date | null;
  windowMs: number | null;
  seenTo: Date | null;
}

// Discovery (0018): per-viewer running totals the ranking folds events into.
export interface RankingViewersTable {
  sessionId: string;
  viewerId: string;
  netMs: number;
  starts: number;
  ends: number;
  firstStartMs: number | null;
  lastEndMs: number | null;
  followed: boolean;
  comments: number;
  shares: number;
  hearts: number;
}

export interface RankingFoldsTable {
  sessionId: string;
  rebuiltAt: Date;
}

/** The growth tables (events, discovery), as `Database` in schema.ts extends them. */
export interface GrowthTables {
  liveEvents: LiveEventsTable;
  eventRsvps: EventRsvpsTable;
  liveRankings: LiveRankingsTable;
  rankingHistory: RankingHistoryTable;
  rankingState: RankingStateTable;
  rankingViewers: RankingViewersTable;
  rankingFolds: RankingFoldsTable;
}
