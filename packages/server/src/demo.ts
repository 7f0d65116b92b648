import { randomBytes } from 'node:crypto';
import type { Topic } from '@onair/protocol';
import type { Logger } from 'pino';
import { pushTestPattern, type TestPattern } from './media/test-pattern.ts';
import type { RunningServer } from './server.ts';

const PERSONAS: { handle: string; name: string; title: string; topic: Topic; hashtags: string[] }[] = [
  {
    handle: 'demo_chef',
    name: 'Chef Lina',
    title: 'Fresh pasta from scratch',
    topic: 'cooking',
    hashtags: ['pasta', 'cooking'],
  },
  {
    handle: 'demo_beats',
    name: 'Beats by Kai',
    title: 'Late-night synth jam',
    topic: 'music',
    hashtags: ['synth', 'music'],
  },
  {
    handle: 'demo_speedrun',
    name: 'Rin Speedruns',
    title: 'Any% world record attempts',
    topic: 'gaming',
    hashtags: ['speedrun', 'gaming'],
  },
  {
    handle: 'demo_yoga',
    name: 'Morning Flow',
    title: '20-minute morning yoga',
    topic: 'fitness',
    hashtags: ['yoga', 'wellness'],
  },
  {
    handle: 'demo_art',
    name: 'Ink & Paper',
    title: 'Drawing your pets',
    topic: 'art',
    hashtags: ['drawing', 'art'],
  },
  {
    handle: 'demo_chat',
    name: 'Sunday Chat',
    title: 'Ask me anything',
    topic: 'just_chatting',
    hashtags: ['ama', 'chat'],
  },
];
export const MAX_DEMO_CREATORS = PERSONAS.length;

/**
 * Simulated creators for a fresh install: each is a real account with a real room, streaming an
 * ffmpeg test pattern (with its name and a clock burnt in) into this server's own RTMP ingest, exactly
 * as OBS would. Pushers that drop are restarted until the demo stops.
 */
export async function startDemo(
  server: RunningServer,
  count: number,
  log: Logger,
): Promise<{ stop(): Promise<void> }> {
  const { accounts, live } = server.app.services;
  const media = server.media;
  if (!media?.ingest.port) throw new Error('onair demo needs the media role (RTMP ingest) on this node');
  const operator = { id: 'demo', role: 'admin' as const };
  const pushers = new Map<string, TestPattern>();
  let stopping = false;

  for (const persona of PERSONAS.slice(0, count)) {
    let user = await accounts.getByHandle(null, persona.handle).catch(() => undefined);
    if (!user) {
      // Demo accounts are not meant to be logged into: a random password nobody knows.
      ({ user } = await accounts.signup(
        {
          handle: persona.handle,
          displayName: persona.name,
          password: randomBytes(24).toString('base64url'),
        },
        'onair demo',
      ));
    }
    if (user.role === 'viewer') await accounts.setRole(operator, user.id, 'creator');
    await live.updateRoom(
      { id: user.id, role: 'creator' },
      { title: persona.title, topic: persona.topic, hashtags: persona.hashtags },
    );
    const key = await live.streamKeyFor(user.id);
    if (!key) continue;

    const start = () => {
      if (stopping) return;
      const push = pushTestPattern({
        ffmpegPath: media.ffmpegPath,
        rtmpUrl: `rtmp://127.0.0.1:${media.ingest.port}/live/${key}`,
        width: 540,
        height: 960,
        fps: 24,
        audio: true,
        label: `${persona.name} - ${persona.title}`,
        log,
      });
      pushers.set(persona.handle, push);
      void push.exited.then((exit) => {
        if (stopping) return;
        log.warn({ creator: persona.handle, exit }, 'demo stream stopped; restarting in 3 s');
        setTimeout(start, 3000);
      });
    };
    start();
    process.stdout.write(
      `  demo: @${persona.handle} is going LIVE — ${server.url}/@${persona.handle}/live\n`,
    );
  }

  return {
    async stop() {
      stopping = true;
      await Promise.all([...pushers.values()].map((p) => p.stop()));
    },
  };
}
