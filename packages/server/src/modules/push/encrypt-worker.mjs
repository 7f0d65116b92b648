// Encrypts push payloads (RFC 8291, aes128gcm) off the main thread: each message costs an ECDH key
// pair and agreement, about 0.3 ms of CPU, which thousands a second would take from every request
// and go-live on the node. Plain JavaScript so that it loads in a worker without a TypeScript loader.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import webpush from 'web-push';

// Encryption is the bulk of a fan-out's CPU and never urgent to the millisecond: on Linux this
// thread runs at a lower priority (nice 10) than the one serving requests and go-lives, which take
// the CPU first when both want it. /proc/thread-self names this thread's id; elsewhere, no change.
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 10);
} catch {
  // Not Linux, or not allowed: the thread keeps the process's priority.
}

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
