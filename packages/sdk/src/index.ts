export { OnAirClient, type OnAirClientOptions } from './client.ts';
export { OnAirError } from './errors.ts';
export { OnAirRealtime, type RealtimeOptions, type RoomHandle } from './realtime.ts';
export { type RoomHandlers, type RoomSignals, RoomSync } from './room-sync.ts';
