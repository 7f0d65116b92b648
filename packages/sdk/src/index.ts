export { OnAirClient, type OnAirClientOptions } from './client.ts';
export { OnAirError } from './errors.ts';
export { OnAirRealtime, type RealtimeOptions } from './realtime.ts';
