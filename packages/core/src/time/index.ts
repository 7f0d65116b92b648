export * from './zoned.ts';
