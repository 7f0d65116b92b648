/** What tests, e2e specs and benchmarks outside this package use to drive a real server. */

export { resolveFfmpeg, resolveFfprobe } from '../media/ffmpeg.ts';
export { pushTestPattern, type TestPattern } from '../media/test-pattern.ts';
export { type BatchGift, sendGifts } from '../modules/economy/gifts.repository.ts';
export { type EventuallyOptions, eventually } from './eventually.ts';
export { seedPushAudience } from './push-audience.ts';
export { type PushServiceStandIn, type StandInSubscription, startPushService } from './push-service.ts';
export { freePort, type SpawnedServer, spawnServer } from './spawn-server.ts';
