export * from './policy/policy.ts';
export * from './economy/index.ts';
