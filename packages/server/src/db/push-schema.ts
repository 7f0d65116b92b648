import type { ColumnType, Generated, Selectable } from 'kysely';

// Web Push (0020), kept apart from schema.ts so that file stays short; schema.ts's `Database`
// extends these. See modules/push/README.md.

type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface PushSubscriptionsTable {
  id: Generated<string>;
  userId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  name: string;
  live: Defaulted<boolean>;
  reminders: Defaulted<boolean>;
  battles: Defaulted<boolean>;
  money: Defaulted<boolean>;
  createdAt: ColumnType<Date, Date | string | undefined, never>;
  lastSentAt: Date | null;
}
export type PushSubscriptionRow = Selectable<PushSubscriptionsTable>;

export interface PushPreferencesTable {
  userId: string;
  quietStart: number | null;
  quietEnd: number | null;
  timeZone: Defaulted<string>;
}

export interface PushMessagesTable {
  id: Generated<string>;
  key: string;
  kind: string;
  payload: unknown;
  ttlSeconds: number;
  urgency: Defaulted<string>;
  batches: Defaulted<number>;
  createdAt: Date;
  expiresAt: Date;
}

export interface PushDeliveriesTable {
  messageId: string;
  subscriptionId: string;
  userId: string;
  batch: number;
  capped: boolean;
  state: Defaulted<'pending' | 'sent' | 'gone' | 'failed'>;
  attempts: Defaulted<number>;
  statusCode: number | null;
  createdAt: Date;
  sentAt: Date | null;
}

export interface PushTables {
  pushSubscriptions: PushSubscriptionsTable;
  pushPreferences: PushPreferencesTable;
  pushMessages: PushMessagesTable;
  pushDeliveries: PushDeliveriesTable;
}
