export * from './audience.ts';
export * from './consistency.ts';
export * from './events.ts';
export * from './insights.ts';
export * from './session.ts';
