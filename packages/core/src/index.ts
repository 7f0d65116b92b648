export * from './economy/index.ts';
export * from './policy/policy.ts';
