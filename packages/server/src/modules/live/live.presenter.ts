import type { LiveCard, LiveSession } from '@onair/protocol';
import type { LiveSessionRow } from '../../db/schema.ts';
import { presentUser } from '../accounts/accounts.presenter.ts';
import type { liveRooms } from './feed.read-model.ts';

/** Media URLs are relative to the server's origin, so they work behind any PUBLIC_URL or port. */
export const mediaUrls = (sessionId: string) => ({
  flvUrl: `/live/${sessionId}.flv`,
  hlsUrl: `/live/${sessionId}/index.m3u8`,
  thumbnailUrl: `/live/${sessionId}/thumbnail.jpg`,
});

export function presentSession(s: LiveSessionRow): LiveSession {
  const urls = mediaUrls(s.id);
  return {
    id: s.id,
    status: s.status,
    title: s.title,
    source: s.source,
    startedAt: s.startedAt.toISOString(),
    liveAt: s.liveAt?.toISOString() ?? null,
    endedAt: s.endedAt?.toISOString() ?? null,
    endReason: s.endReason,
    durationS: s.summary?.liveDurationS ?? null,
    video: s.liveAt ? { codec: s.videoCodec, width: s.width, height: s.height, fps: s.fps } : null,
    flvUrl: urls.flvUrl,
    hlsUrl: urls.hlsUrl,
    thumbnailUrl:
      s.thumbnailAt && s.status !== 'ended' ? `${urls.thumbnailUrl}?t=${s.thumbnailAt.getTime()}` : null,
  };
}

type LiveRoomRow = Awaited<ReturnType<typeof liveRooms>>[number];

export function presentCard(r: LiveRoomRow, viewerCount: number): LiveCard {
  const creator = presentUser(r);
  return {
    sessionId: r.sessionId,
    creator,
    title: r.title || `${r.displayName} is LIVE`,
    topic: r.topic as LiveCard['topic'],
    hashtags: r.hashtags,
    liveAt: (r.liveAt ?? r.startedAt).toISOString(),
    thumbnailUrl: r.thumbnailAt
      ? `${mediaUrls(r.sessionId).thumbnailUrl}?t=${r.thumbnailAt.getTime()}`
      : null,
    viewerCount,
  };
}
