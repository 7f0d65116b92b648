import type { StreamInfo } from './ingest.ts';
import { type AvPacket, Sps } from './nms.ts';

const AUDIO = 8;
const VIDEO = 9;

/** FLV SoundFormat ids (legacy RTMP audio). 9 announces an enhanced-RTMP FourCC. */
const SOUND_FORMATS: Record<number, string> = {
  0: 'pcm',
  1: 'adpcm',
  2: 'mp3',
  3: 'pcm',
  4: 'nellymoser',
  5: 'nellymoser',
  6: 'nellymoser',
  7: 'pcm_alaw',
  8: 'pcm_mulaw',
  10: 'aac',
  11: 'speex',
  14: 'mp3',
};
const VIDEO_CODECS: Record<number, string> = {
  2: 'flv1',
  3: 'screen',
  4: 'vp6',
  5: 'vp6a',
  6: 'screen2',
  7: 'h264',
  12: 'hevc',
};
const FOURCCS: Record<string, string> = {
  avc1: 'h264',
  hvc1: 'hevc',
  av01: 'av1',
  vp09: 'vp9',
  Opus: 'opus',
  fLaC: 'flac',
  'ac-3': 'ac3',
  'ec-3': 'eac3',
  '.mp3': 'mp3',
  mp4a: 'aac',
};

const positive = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isFinite(n) && n > 0 ? n : null;
};

/** onMetaData announces codecs as FLV ids (7, 10) or FourCC strings ('avc1', 'mp4a'). */
function codecFromMetadata(v: unknown, ids: Record<number, string>): string | null {
  if (typeof v === 'number') return ids[v] ?? null;
  if (typeof v === 'string') return FOURCCS[v] ?? (v.trim() || null);
  return null;
}

/**
 * What we learn about a stream from its onMetaData and its codec headers. Headers win over metadata:
 * they are what decoders will actually see, metadata is what the encoder chose to announce.
 */
export class StreamInfoTracker {
  private meta: Partial<StreamInfo> = {};
  private videoCodec: string | null = null;
  private audioCodec: string | null = null;
  private size: { width: number; height: number } | null = null;
  private sawAudio = false;
  private sawVideo = false;

  onMetadata(data: Record<string, unknown>): void {
    this.meta = {
      videoCodec: codecFromMetadata(data.videocodecid, VIDEO_CODECS),
      audioCodec: codecFromMetadata(data.audiocodecid, SOUND_FORMATS),
      width: positive(data.width),
      height: positive(data.height),
      fps: positive(data.framerate) ?? positive(data.videoframerate),
    };
  }

  onPacket(packet: AvPacket): void {
    const data = packet.data;
    if (packet.codec_type === AUDIO && packet.size > 0) {
      this.sawAudio = true;
      if (this.audioCodec === null) {
        const format = data[0]! >> 4;
        this.audioCodec = format === 9 ? fourcc(data, 1) : (SOUND_FORMATS[format] ?? null);
      }
    } else if (packet.codec_type === VIDEO && packet.size > 0) {
      this.sawVideo = true;
      const exHeader = (data[0]! & 0x80) !== 0;
      if (this.videoCodec === null)
        this.videoCodec = exHeader ? fourcc(data, 1) : (VIDEO_CODECS[data[0]! & 0x0f] ?? null);
      if (packet.flags === 2 && !exHeader && (data[0]! & 0x0f) === 7)
        this.size = avcSize(data, packet.size) ?? this.size;
    }
  }

  get hasAudio(): boolean {
    return this.sawAudio || this.meta.audioCodec != null;
  }

  get hasVideo(): boolean {
    return this.sawVideo || this.meta.videoCodec != null;
  }

  get info(): StreamInfo {
    return {
      videoCodec: this.videoCodec ?? this.meta.videoCodec ?? null,
      audioCodec: this.audioCodec ?? this.meta.audioCodec ?? null,
      width: this.size?.width ?? this.meta.width ?? null,
      height: this.size?.height ?? this.meta.height ?? null,
      fps: this.meta.fps ?? null,
    };
  }
}

function fourcc(data: Buffer, at: number): string | null {
  if (data.length < at + 4) return null;
  const code = data.toString('latin1', at, at + 4);
  return FOURCCS[code] ?? code;
}

/** Picture size from an AVC sequence header: FLV video tag header (5 bytes), then avcC with the SPS. */
function avcSize(data: Buffer, size: number): { width: number; height: number } | null {
  if (size < 13 || (data[10]! & 0x1f) === 0) return null;
  const spsLength = data.readUInt16BE(11);
  if (13 + spsLength > size) return null;
  return Sps.parseH264Sps(data.subarray(13, 13 + spsLength));
}
