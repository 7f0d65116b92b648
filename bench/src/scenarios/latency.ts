import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { OnAirClient } from '@onair/sdk';
import { eventually, freePort, resolveFfmpeg, spawnServer } from '@onair/server/testing';
import { spawnJsonChild } from '../latency/json-child.ts';
import { pushCodedFrames } from '../latency/pusher.ts';
import {
  type Arrival,
  arrivalLatencies,
  type CodedReader,
  playbackLatencies,
  readCodedFrames,
} from '../latency/reader.ts';
import { percentile, progress, round } from '../stats.ts';
import type { Scenario } from '../types.ts';

const VIEWER_SWARM = fileURLToPath(new URL('../latency/viewer-swarm.ts', import.meta.url));

/** A phone-shaped stream as creators send it: 720×1280, 30 fps, 2.5 Mb/s, a keyframe every second. */
const STREAM = { width: 720, height: 1280, fps: 30, videoKbps: 2500, audioKbps: 96 } as const;
/** Frames in the first seconds of a viewer include the cached GOP: not steady-state latency. */
const WARM_UP_MS = 2000;

async function waitWithProgress(label: string, ms: number): Promise<void> {
  const step = 250;
  for (let done = 0; done < ms; done += step) {
    progress(label, done, ms);
    await sleep(Math.min(step, ms - done));
  }
  progress(label, ms, ms);
}

const stats = (samples: number[]) => ({
  p50Ms: round(percentile(samples, 50), 0),
  p95Ms: round(percentile(samples, 95), 0),
  samples: samples.length,
});

const framesBetween = (frames: Arrival[], from: number, to: number) =>
  frames.filter((f) => f.at >= from && f.at < to);

/**
 * Glass-to-glass-style latency of a real `onair serve` (embedded database, all roles). A pusher hands
 * frames that carry their own index to an x264 encoder at real-time pace and logs when; viewers
 * decode HTTP-FLV and HLS with ffmpeg, read each frame's index back and compare. Then FLV viewers are
 * added until the decoding viewer's latency p95 doubles (or viewers starve); the extra viewers run in
 * a process of their own. All on loopback and on this machine, so pusher and viewers compete with
 * the server for the same cores: the figures are a lower bound of what a dedicated node would do.
 */
export const latency: Scenario = {
  name: 'latency',
  description: 'video latency (HTTP-FLV, HLS), time to first frame, FLV viewers per node',
  async run({ quick, log }) {
    const steadyMs = quick ? 4_000 : 15_000;
    const joinerCount = quick ? 3 : 8;
    const stepWindowMs = quick ? 2_500 : 6_000;
    const stepBudgetMs = quick ? 22_000 : 240_000;
    const steps = quick ? [10, 100, 400] : [10, 50, 100, 200, 400, 800, 1600, 3200];
    const joinerMs = quick ? 3_000 : 4_000;
    const loadAtStart = loadavg()[0]!;
    const ffmpeg = resolveFfmpeg();
    const rtmpPort = await freePort();
    const server = await spawnServer({ RTMP_PORT: String(rtmpPort), WEB_DIST: '/nonexistent' });
    const cleanups: Array<() => Promise<unknown>> = [() => server.stop()];
    try {
      const http = server.url;
      log(`onair serve at ${http}, RTMP port ${rtmpPort} (embedded PGlite); ffmpeg ${ffmpeg}`);
      const creator = new OnAirClient({ baseUrl: http });
      await creator.signup({ handle: 'bench_creator', password: 'bench-password' }, { bearer: true });
      const { streamKey } = (await creator.myRoom()).ingest;

      const pusher = pushCodedFrames({
        ffmpegPath: ffmpeg,
        rtmpUrl: `rtmp://127.0.0.1:${rtmpPort}/live/${streamKey}`,
        ...STREAM,
      });
      cleanups.unshift(() => pusher.stop());
      // LIVE = the moment a viewer can start: the FLV URL of the new session answers 200.
      const streamId = await eventually('a live session', async () => (await creator.myRoom()).session?.id, {
        timeoutMs: 20_000,
        everyMs: 50,
      });
      await eventually(
        'the FLV stream',
        async () => (await fetch(`${http}/live/${streamId}.flv`, { method: 'HEAD' })).ok,
        { timeoutMs: 20_000, everyMs: 10 },
      );
      const t0 = performance.now();
      log(
        `LIVE ${round(t0 - pusher.startedAt, 0)} ms after the encoder started (${STREAM.width}x${STREAM.height} ${STREAM.fps} fps, ${STREAM.videoKbps} kb/s)`,
      );
      const flvUrl = `${http}/live/${streamId}.flv`;
      const hlsUrl = `${http}/live/${streamId}/index.m3u8`;

      // Viewers that arrive the moment the stream goes LIVE.
      const flvViewer = readCodedFrames(ffmpeg, flvUrl);
      cleanups.unshift(() => flvViewer.stop());
      const hlsFirstFrame = (async () => {
        await eventually('an HLS playlist after going LIVE', async () => (await fetch(hlsUrl)).ok, {
          timeoutMs: 15_000,
          everyMs: 100,
        });
        // Like a player, try again if the first attempt gets nothing (the playlist just appeared).
        for (let attempt = 1; ; attempt++) {
          const reader = readCodedFrames(ffmpeg, hlsUrl);
          try {
            return (await reader.firstFrame(8_000)).at - t0;
          } catch (err) {
            if (attempt === 3) throw err;
          } finally {
            await reader.stop();
          }
        }
      })();
      const flvFirstFrameMs = (await flvViewer.firstFrame()).at - t0;
      const hlsFirstFrameMs = await hlsFirstFrame;
      log(
        `first frame after LIVE: HTTP-FLV ${round(flvFirstFrameMs, 0)} ms, HLS ${round(hlsFirstFrameMs, 0)} ms`,
      );

      // Steady state, as seen by the viewer that has been there since the start (alone: no other
      // decoder on the machine).
      await waitWithProgress(
        'HTTP-FLV steady state',
        Math.max(0, t0 + WARM_UP_MS + steadyMs - performance.now()),
      );
      const sent = pusher.sentAt;
      const flvFrames = framesBetween(flvViewer.frames, t0 + WARM_UP_MS, performance.now());

      // Viewers that join the running stream: FLV starts at the cached GOP, HLS three segments back
      // (and, like hls.js with liveSyncDurationCount: 2, two back). How far behind they end up depends
      // on where in the one-second GOP they join: a few groups, one at a time (more decoders would
      // starve the encoder on a small machine), started 4 s + 1/n s apart to sample n phases.
      const joiners = { flv: [] as CodedReader[], hls: [] as CodedReader[], hls2: [] as CodedReader[] };
      const joinTimes = { flv: [] as number[], hls: [] as number[] };
      for (let i = 0; i < joinerCount; i++) {
        const group = [
          readCodedFrames(ffmpeg, flvUrl),
          readCodedFrames(ffmpeg, hlsUrl),
          readCodedFrames(ffmpeg, hlsUrl, ['-live_start_index', '-2']),
        ] as const;
        cleanups.unshift(() => Promise.all(group.map((j) => j.stop())));
        joiners.flv.push(group[0]);
        joiners.hls.push(group[1]);
        joiners.hls2.push(group[2]);
        await waitWithProgress(`joining viewers ${i + 1}/${joinerCount}`, joinerMs + 1000 / joinerCount);
        await Promise.all(group.map((j) => j.stop()));
        const [flvFirst, hlsFirst] = [group[0].frames[0], group[1].frames[0]];
        if (flvFirst) joinTimes.flv.push(flvFirst.at - group[0].startedAt);
        if (hlsFirst) joinTimes.hls.push(hlsFirst.at - group[1].startedAt);
      }
      const flvJoinMs = percentile(joinTimes.flv, 50);
      const hlsJoinMs = percentile(joinTimes.hls, 50);
      const pooled = (list: CodedReader[], pick: (j: CodedReader) => number[]) => list.flatMap(pick);

      const flv = {
        firstFrameMs: round(flvFirstFrameMs, 0),
        ...stats(arrivalLatencies(flvFrames, sent)),
        playback: stats(playbackLatencies(flvFrames, sent, STREAM.fps)),
        joinMs: round(flvJoinMs, 0),
        joinedPlayback: stats(pooled(joiners.flv, (j) => playbackLatencies(j.frames, sent, STREAM.fps))),
        unreadableFrames: flvViewer.unreadable(),
      };
      const hls = {
        firstFrameMs: round(hlsFirstFrameMs, 0),
        ...stats(pooled(joiners.hls, (j) => playbackLatencies(j.frames, sent, STREAM.fps))),
        arrival: stats(
          pooled(joiners.hls, (j) => arrivalLatencies(j.frames, sent, j.startedAt + WARM_UP_MS)),
        ),
        twoSegmentsBack: stats(pooled(joiners.hls2, (j) => playbackLatencies(j.frames, sent, STREAM.fps))),
        joinMs: round(hlsJoinMs, 0),
        joiners: joinerCount,
        unreadableFrames: joiners.hls.reduce((n, j) => n + j.unreadable(), 0),
      };
      log(
        `HTTP-FLV latency p50 ${flv.p50Ms} ms, p95 ${flv.p95Ms} ms (${flv.samples} frames); joining viewers start in ${flv.joinMs} ms`,
      );
      log(
        `HLS latency p50 ${hls.p50Ms} ms, p95 ${hls.p95Ms} ms (${joinerCount} viewers, ${hls.samples} frames; 2 segments back: p50 ${hls.twoSegmentsBack.p50Ms} ms); joining viewers start in ${hls.joinMs} ms`,
      );

      // How many FLV viewers before the decoding viewer's latency doubles.
      const swarm = spawnJsonChild(VIEWER_SWARM, [flvUrl]);
      cleanups.unshift(() => swarm.stop());
      await swarm.next((m) => m.event === 'ready', 30_000);
      const probeWindow = async (ms: number) => {
        const from = performance.now();
        await sleep(ms);
        return arrivalLatencies(framesBetween(flvViewer.frames, from, performance.now()), sent);
      };
      const baseline = stats(await probeWindow(stepWindowMs));
      log(
        `viewers: baseline p95 ${baseline.p95Ms} ms with one viewer; adding FLV viewers (p95 twice that: the limit)`,
      );
      const expectedBytes = ((STREAM.videoKbps + STREAM.audioKbps) * 1000 * stepWindowMs) / 8000;
      const viewerSteps: Array<Record<string, number | boolean>> = [];
      let maxFlvViewers = 0;
      let maxFlvViewersP95Under800Ms = 0;
      let doubled = false;
      const budgetEnd = performance.now() + stepBudgetMs;
      for (const [i, n] of steps.entries()) {
        if (performance.now() > budgetEnd) {
          log(`viewers: time budget spent before ${n + 1}`);
          break;
        }
        swarm.send({ cmd: 'set', n });
        const set = await swarm.next((m) => m.event === 'set', 180_000).catch(() => null);
        if (!set) {
          log(`viewers: could not connect ${n} viewers within 3 minutes; stopping here`);
          break;
        }
        await sleep(500);
        swarm.send({ cmd: 'window', ms: stepWindowMs });
        const [samples, window] = await Promise.all([
          probeWindow(stepWindowMs),
          swarm.next((m) => m.event === 'window', stepWindowMs + 60_000).catch(() => null),
        ]);
        if (!window) {
          log(`viewers: the viewer process stopped answering at ${n}; stopping here`);
          break;
        }
        const bytes = window.bytes as number[];
        const starved = bytes.filter((b) => b < expectedBytes / 2).length + Number(window.closed ?? 0);
        const s = stats(samples);
        const served = Number(set.connected) >= n && s.samples > 0 && starved <= Math.ceil(n / 100);
        doubled ||= !served || s.p95Ms > 2 * baseline.p95Ms;
        const withinGoal = served && s.p95Ms < 800;
        if (!doubled) maxFlvViewers = n + 1;
        if (withinGoal) maxFlvViewersP95Under800Ms = n + 1;
        viewerSteps.push({
          viewers: n + 1,
          p50Ms: s.p50Ms,
          p95Ms: s.p95Ms,
          starvedViewers: starved,
          mbitPerViewer: round(
            (bytes.reduce((a, b) => a + b, 0) * 8) / Math.max(1, bytes.length) / stepWindowMs / 1000,
            2,
          ),
          p95WithinTwiceBaseline: !doubled,
        });
        progress('viewer steps', i + 1, steps.length);
        log(
          `viewers: ${n + 1} → p50 ${s.p50Ms} ms, p95 ${s.p95Ms} ms, ${starved} starved${doubled ? ' (beyond 2× baseline p95)' : ''}`,
        );
        // Past the doubling point, keep going while latency is still within the FLV goal.
        if (!withinGoal) break;
      }

      return {
        stream: { ...STREAM, keyframeIntervalS: 1, encoder: 'x264 veryfast zerolatency' },
        // Everything shares this machine: other load skews the figures (see droppedSourceFrames too).
        machine: {
          cpus: cpus().length,
          loadAvg1mAtStart: round(loadAtStart, 2),
          loadAvg1mAtEnd: round(loadavg()[0]!, 2),
        },
        publishMs: round(t0 - pusher.startedAt, 0),
        flv,
        hls,
        maxFlvViewers,
        maxFlvViewersP95Under800Ms,
        viewerBaseline: baseline,
        viewerSteps,
        /** Source frames skipped because the encoder was not ready for them (CPU starved). */
        droppedSourceFrames: pusher.droppedFrames(),
        goals: {
          flvP50Under800Ms: flv.p50Ms < 800,
          flvFirstFrameUnder1500Ms: flv.firstFrameMs < 1500,
          hlsP50Under3500Ms: hls.p50Ms < 3500,
        },
        method:
          'Frames carry their index as a block code; latency = when a viewer decoded the frame − when it was handed to the encoder (same clock). ' +
          'FLV: a viewer connected from the moment of going LIVE, arrival latency after a 2 s warm-up (playback: as a real-time player without catch-up); ' +
          `HLS: ${joinerCount} viewers joining the running stream one after the other at different phases of the GOP, each starting 3 segments back (ffmpeg's and hls.js's default), measured as real-time players, pooled (twoSegmentsBack: the same starting 2 segments back, like hls.js with liveSyncDurationCount 2; arrival: the frames as ffmpeg decoded them, catching up). ` +
          `FLV joiners (joinedPlayback): the same for HTTP-FLV, starting at the cached GOP. ` +
          'Viewers: extra FLV readers (counting bytes, not decoding) in a separate process; maxFlvViewers = last step before the decoding viewer p95 went above 2× its one-viewer baseline or >1% of viewers got under half the bitrate (maxFlvViewersP95Under800Ms: same, with p95 < 800 ms instead). ' +
          'Pusher, viewers and server share this machine.',
      };
    } finally {
      for (const cleanup of cleanups) await cleanup().catch(() => {});
    }
  },
};
