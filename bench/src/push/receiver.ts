import { startPushService } from '@onair/server/testing';

/**
 * The push benchmark's receiving end, in a process of its own so that its CPU is not the server's:
 * the loopback push service, checking every 100th request in full (VAPID token and decryption) and
 * counting the rest. Driven over IPC by scenarios/push.ts.
 */
type Ask = { type: 'subscribe'; n: number } | { type: 'totals' } | { type: 'close' };

const service = await startPushService({ verifyAll: false });

process.on('message', async (ask: Ask) => {
  if (ask.type === 'subscribe') {
    // One key pair for every device: each endpoint is its own, and a key pair per device would only
    // cost the benchmark's setup time.
    const first = service.subscribe();
    const subs = [first, ...Array.from({ length: ask.n - 1 }, () => service.subscribe(first))];
    process.send?.({ type: 'subscribed', subs });
  } else if (ask.type === 'totals') {
    process.send?.({ type: 'totals', ...service.totals(), rejections: service.rejections().slice(0, 5) });
  } else {
    await service.close();
    process.exit(0);
  }
});
process.send?.({ type: 'ready' });
