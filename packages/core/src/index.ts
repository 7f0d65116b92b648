export * from './policy/policy.ts';
