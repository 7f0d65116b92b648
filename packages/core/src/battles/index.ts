export * from './machine.ts';
export * from './scoring.ts';
