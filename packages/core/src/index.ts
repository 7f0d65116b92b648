export * from './battles/index.ts';
export * from './economy/index.ts';
export * from './metrics/index.ts';
export * from './policy/policy.ts';
