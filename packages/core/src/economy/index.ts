export * from './gifts.ts';
export * from './ledger.ts';
export * from './streaks.ts';
export * from './withdrawals.ts';
