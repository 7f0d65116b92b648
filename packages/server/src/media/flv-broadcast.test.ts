import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpeg } from './ffmpeg.ts';
import { FlvBroadcast } from './flv-broadcast.ts';
import type { FlvSink } from './ingest.ts';
import { type AvPacket, Flv } from './nms.ts';
import { quietLog } from './test-support.ts';

/** Two seconds of a 320x240 15 fps stream (keyframe every second), as the packets RTMP would carry. */
async function packetsOf(audio: boolean): Promise<AvPacket[]> {
  const { stdout } = await promisify(execFile)(
    resolveFfmpeg(),
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=15'],
      ...(audio ? ['-f', 'lavfi', '-i', 'sine'] : []),
      ...['-t', '2', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '15', '-pix_fmt', 'yuv420p'],
      ...(audio ? ['-c:a', 'aac'] : []),
      ...['-f', 'flv', 'pipe:1'],
    ],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  const packets: AvPacket[] = [];
  const parser = new Flv();
  parser.onPacketCallback = (p) => packets.push({ ...p, data: Buffer.from(p.data.subarray(0, p.size)) });
  parser.parserData(stdout);
  return packets;
}

/** An RTMP publisher wraps onMetaData in @setDataFrame; FLV files do not. */
function asRtmpMetadata(p: AvPacket): AvPacket {
  const prefix = Buffer.from([0x02, 0x00, 0x0d, ...Buffer.from('@setDataFrame')]);
  const data = Buffer.concat([prefix, p.data]);
  return { ...p, data, size: data.length };
}

class MemorySink implements FlvSink {
  chunks: Buffer[] = [];
  behind = 0;
  ended = false;
  write(chunk: Buffer) {
    this.chunks.push(chunk);
  }
  bufferedBytes() {
    return this.behind;
  }
  end() {
    this.ended = true;
  }
  /** FLV tag types and video frame kinds, after the 13-byte file header. */
  tags(): string[] {
    return this.chunks.slice(1).map((c) => {
      if (c[0] === 18) return 'meta';
      if (c[0] === 8) return c[12] === 0 ? 'aac-header' : 'audio';
      if (c[12] === 0) return 'avc-header';
      return c[11]! >> 4 === 1 ? 'key' : 'inter';
    });
  }
}

let withAudio: AvPacket[];
let videoOnly: AvPacket[];

beforeAll(async () => {
  [withAudio, videoOnly] = await Promise.all([packetsOf(true), packetsOf(false)]);
  withAudio = withAudio.map((p) => (p.codec_type === 18 ? asRtmpMetadata(p) : p));
});

describe('FlvBroadcast', () => {
  it('learns the stream from its metadata and codec headers', () => {
    const b = new FlvBroadcast(quietLog());
    for (const p of withAudio) b.push(p);
    expect(b.tracker.info).toEqual({
      videoCodec: 'h264',
      audioCodec: 'aac',
      width: 320,
      height: 240,
      fps: 15,
    });
    expect(b.tracker.hasAudio).toBe(true);
  });

  it('starts a newcomer with header, metadata, codec headers and the GOP from the last keyframe', () => {
    const b = new FlvBroadcast(quietLog());
    const lastKey = withAudio.findLastIndex((p) => p.flags === 3);
    for (const p of withAudio.slice(0, lastKey + 3)) b.push(p);
    const sink = new MemorySink();
    b.attach(sink, false);
    // FLV, version 1, audio+video flags.
    expect([...sink.chunks[0]!.subarray(0, 5)]).toEqual([0x46, 0x4c, 0x56, 1, 5]);
    const tags = sink.tags();
    expect(tags.slice(0, 4)).toEqual(['meta', 'aac-header', 'avc-header', 'key']);
    expect(tags.filter((t) => t === 'key')).toHaveLength(1);
    // The metadata players get is a plain onMetaData, not RTMP's @setDataFrame wrapper.
    expect(sink.chunks[1]!.subarray(11, 24).toString('latin1')).toContain('onMetaData');
    expect(sink.chunks[1]!.includes('@setDataFrame')).toBe(false);
    expect(b.viewerCount).toBe(1);
  });

  it('announces no audio in the FLV header of a video-only stream', () => {
    const b = new FlvBroadcast(quietLog());
    for (const p of videoOnly) b.push(p);
    const sink = new MemorySink();
    b.attach(sink, true);
    expect(sink.chunks[0]![4]).toBe(1);
    expect(b.viewerCount).toBe(0);
  });

  it('skips a lagging sink ahead to the next keyframe, and drops one that stopped reading', () => {
    const b = new FlvBroadcast(quietLog());
    const firstKey = withAudio.findIndex((p) => p.flags === 3);
    const secondKey = withAudio.findIndex((p, i) => i > firstKey && p.flags === 3);
    for (const p of withAudio.slice(0, firstKey + 1)) b.push(p);
    const slow = new MemorySink();
    const dead = new MemorySink();
    b.attach(slow, false);
    b.attach(dead, false);
    slow.behind = 3 * 1024 * 1024;
    dead.behind = 32 * 1024 * 1024;
    const before = slow.chunks.length;
    for (const p of withAudio.slice(firstKey + 1, secondKey)) b.push(p);
    expect(slow.chunks.length).toBe(before);
    expect(dead.ended).toBe(true);
    expect(b.viewerCount).toBe(1);

    slow.behind = 0;
    b.push(withAudio[secondKey]!);
    expect(slow.tags().at(-1)).toBe('key');
  });

  it('end() ends every sink, and a late attach gets ended at once', () => {
    const b = new FlvBroadcast(quietLog());
    for (const p of withAudio) b.push(p);
    const sink = new MemorySink();
    b.attach(sink, false);
    b.end();
    expect(sink.ended).toBe(true);
    const late = new MemorySink();
    b.attach(late, false);
    expect(late.ended).toBe(true);
    expect(late.chunks).toHaveLength(0);
  });
});
