// Encrypts push payloads (RFC 8291, aes128gcm) off the main thread: each message costs an ECDH key
// pair and agreement, about 0.3 ms of CPU, which thousands a second would take from every request
// and go-live on the node. Plain JavaScript so that it loads in a worker without a TypeScript loader.
import { parentPort } from 'node:worker_threads';
import webpush from 'web-push';

parentPort.on('message', ({ id, payload, targets }) => {
  const bodies = targets.map(({ p256dh, auth }) => {
    try {
      return webpush.encrypt(p256dh, auth, payload, 'aes128gcm').cipherText;
    } catch (err) {
      return String(err?.message ?? err);
    }
  });
  parentPort.postMessage({ id, bodies });
});
