import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createDomainEvents, DOMAIN_EVENT_NAMES } from './domain-events.ts';

/** A real logger whose lines the test reads back. */
function recordingLog() {
  const lines: { level: number; msg: string; event: string; err?: { message: string } }[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Every promise reaction queued so far has run once a macrotask turn has passed. */
const drained = () => new Promise<void>((resolve) => setImmediate(resolve));

const ended = { sessionId: 's1' };

describe('domain events', () => {
  it('calls listeners in the order they were added, synchronous ones before emit returns', () => {
    const events = createDomainEvents(recordingLog());
    const heard: string[] = [];
    events.on('live.session_ended', (p) => void heard.push(`a:${p.sessionId}`));
    events.on('social.followed', () => void heard.push('other event'));
    events.on('live.session_ended', (p) => void heard.push(`b:${p.sessionId}`));
    void events.emit('live.session_ended', ended);
    expect(heard).toEqual(['a:s1', 'b:s1']);
  });

  it('starts every async listener at once and resolves only when all have settled', async () => {
    const events = createDomainEvents(recordingLog());
    const first = deferred();
    const second = deferred();
    const started: string[] = [];
    events.on('live.session_ended', () => {
      started.push('first');
      return first.promise;
    });
    events.on('live.session_ended', () => {
      started.push('second');
      return second.promise;
    });
    let done = false;
    const emitted = events.emit('live.session_ended', ended).then(() => {
      done = true;
    });
    expect(started).toEqual(['first', 'second']);
    second.resolve();
    await drained();
    expect(done).toBe(false);
    first.resolve();
    await emitted;
    expect(done).toBe(true);
  });

  it('isolates a listener that throws or rejects: the others run, the emitter never sees it', async () => {
    const { log, lines } = recordingLog();
    const events = createDomainEvents({ log });
    const slow = deferred();
    const heard: string[] = [];
    events.on('social.followed', () => {
      throw new Error('sync failure');
    });
    events.on('social.followed', () => slow.promise);
    events.on('social.followed', async () => {
      throw new Error('async failure');
    });
    events.on('social.followed', (p) => void heard.push(p.followerId));
    const emitted = events.emit('social.followed', { followerId: 'f', creatorId: 'c', ref: undefined });
    expect(heard).toEqual(['f']);
    slow.reject(new Error('late failure'));
    await expect(emitted).resolves.toBeUndefined();
    expect(lines.map((l) => [l.level, l.msg, l.event, l.err?.message])).toEqual([
      [50, 'domain event listener failed', 'social.followed', 'sync failure'],
      [50, 'domain event listener failed', 'social.followed', 'async failure'],
      [50, 'domain event listener failed', 'social.followed', 'late failure'],
    ]);
  });

  it('removes a listener, and delivers each event to the listeners it had when emitted', async () => {
    const events = createDomainEvents(recordingLog());
    const heard: string[] = [];
    let lateAdded = false;
    const offA = events.on('live.session_ended', (p) => {
      heard.push(`a:${p.sessionId}`);
      offB();
      if (!lateAdded) events.on('live.session_ended', (q) => void heard.push(`late:${q.sessionId}`));
      lateAdded = true;
    });
    const offB = events.on('live.session_ended', (p) => void heard.push(`b:${p.sessionId}`));
    await events.emit('live.session_ended', { sessionId: 's1' });
    offA();
    await events.emit('live.session_ended', { sessionId: 's2' });
    expect(heard).toEqual(['a:s1', 'b:s1', 'late:s2']);
  });

  it('resolves at once for an event nobody listens to', async () => {
    const events = createDomainEvents(recordingLog());
    await expect(events.emit('economy.gift_committed', {} as never)).resolves.toBeUndefined();
  });

  it('lists every declared event in the table of docs/ARCHITECTURE.md', () => {
    const doc = readFileSync(new URL('../../../../docs/ARCHITECTURE.md', import.meta.url), 'utf8');
    const rows = doc.split('\n').filter((line) => line.startsWith('| `'));
    for (const name of DOMAIN_EVENT_NAMES)
      expect(
        rows.some((r) => r.startsWith(`| \`${name}\``)),
        name,
      ).toBe(true);
  });
});
