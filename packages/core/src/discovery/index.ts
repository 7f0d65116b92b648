export * from './advice.ts';
export * from './config.ts';
export * from './engagement.ts';
export * from './exploration.ts';
export * from './percentile.ts';
export * from './personalise.ts';
export * from './rank.ts';
