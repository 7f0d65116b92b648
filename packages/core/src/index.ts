export * from './battles/index.ts';
export * from './discovery/index.ts';
export * from './economy/index.ts';
export * from './metrics/index.ts';
export * from './policy/policy.ts';
export * from './rewards/index.ts';
export * from './time/index.ts';
