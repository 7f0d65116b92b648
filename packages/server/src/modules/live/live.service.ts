import type { Actor } from '@onair/core';
import type { Feed, LiveCard, MyRoom, Room, ServerFrame, Topic, UpdateRoomBody } from '@onair/protocol';
import type { Logger } from 'pino';
import { requireAccess } from '../../access.ts';
import type { Db } from '../../db/database.ts';
import type { RoomRow } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { DomainEvents } from '../../events/domain-events.ts';
import type { IngestHooks, PublishRequest, StreamInfo, UnpublishReason } from '../../media/ingest.ts';
import { type Bus, topics } from '../../realtime/bus.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { SocialService } from '../social/social.service.ts';
import * as feedReadModel from './feed.read-model.ts';
import { presentCard, presentSession } from './live.presenter.ts';
import * as repo from './live.repository.ts';
import { keyFromStreamName, newStreamKey, redactKey } from './stream-keys.ts';

/** What the live domain needs from the media side, beyond the hooks it implements. */
export interface MediaControl {
  kick(streamId: string): void;
  viewerCount?(streamId: string): number;
}

export interface LiveDeps {
  db: Db;
  accounts: AccountsService;
  social: SocialService;
  bus: Bus;
  /** Where `live.session_started` and `live.session_ended` are told, once stored. */
  events: Pick<DomainEvents, 'emit'>;
  log: Logger;
  /** rtmp://host:port/live as shown to creators for OBS. */
  ingestServerUrl: string;
  /** Stable name of this ingest node, so a restart can close the sessions it left open. */
  ingestNode: string;
  now?: () => Date;
}

export function createLiveService(deps: LiveDeps) {
  const { db, accounts, social, bus, events, log, now = () => new Date() } = deps;
  let media: MediaControl | undefined;

  async function ensureRoom(creatorId: string): Promise<RoomRow> {
    return (await repo.findRoom(db, creatorId)) ?? repo.insertRoom(db, creatorId, newStreamKey());
  }

  async function presentRoom(room: RoomRow | undefined, creatorId: string): Promise<Room> {
    const creator = await accounts.getById(creatorId);
    if (!creator) throw new AppError('live.room_not_found', 404, 'No such room.');
    const [session, followerCount] = await Promise.all([
      repo.latestSession(db, creatorId),
      social.followerCount(creatorId),
    ]);
    return {
      creator,
      title: room?.title ?? '',
      topic: (room?.topic ?? 'just_chatting') as Topic,
      hashtags: room?.hashtags ?? [],
      state: room?.state ?? 'offline',
      session: session ? presentSession(session) : null,
      followerCount,
    };
  }

  const emitStream = (sessionId: string, status: 'live' | 'ended') => {
    const frame: ServerFrame = { type: 'stream', sessionId, status };
    bus
      .publish(topics.stream(sessionId), frame)
      .catch((err) => log.warn({ err }, 'stream event publish failed'));
  };

  async function end(streamId: string, reason: string): Promise<void> {
    const at = now();
    const ended = await repo.endSession(db, streamId, at, reason, (s) => ({
      durationS: Math.round((at.getTime() - s.startedAt.getTime()) / 1000),
      liveDurationS: s.liveAt ? Math.round((at.getTime() - s.liveAt.getTime()) / 1000) : 0,
      endReason: reason,
    }));
    if (!ended) return;
    log.info(
      { sessionId: streamId, creatorId: ended.creatorId, reason, summary: ended.summary },
      'LIVE session ended',
    );
    emitStream(streamId, 'ended');
    // The room's `ended` event, the studio's rollup, the battle's forfeit: all done before the end
    // returns, and a failing listener (logged by the hub) must not undo the end.
    await events.emit('live.session_ended', { sessionId: streamId });
  }

  const hooks: IngestHooks = {
    async authorizePublish(req: PublishRequest) {
      const key = keyFromStreamName(req.name);
      if (req.app !== 'live') {
        log.warn({ app: req.app, ip: req.clientIp }, 'publish rejected: unknown application');
        return null;
      }
      const room = await repo.findRoomByKey(db, key);
      if (!room) {
        log.warn(
          { key: redactKey(key), ip: req.clientIp },
          'publish rejected: unknown or revoked stream key',
        );
        return null;
      }
      const creator = await accounts.getById(room.creatorId);
      if (!creator || (creator.role !== 'creator' && creator.role !== 'admin')) {
        log.warn(
          { creatorId: room.creatorId, ip: req.clientIp },
          'publish rejected: account is not a creator',
        );
        return null;
      }
      const session = await repo.insertSession(db, {
        creatorId: room.creatorId,
        title: room.title,
        topic: room.topic,
        hashtags: room.hashtags,
        source: req.name.includes('~') ? 'browser' : 'rtmp',
        ingestNode: deps.ingestNode,
        clientIp: req.clientIp,
      });
      if (!session) {
        log.warn(
          { creatorId: room.creatorId, ip: req.clientIp },
          'publish rejected: this stream key is already LIVE',
        );
        return null;
      }
      log.info({ sessionId: session.id, creatorId: room.creatorId, ip: req.clientIp }, 'publish authorized');
      return { streamId: session.id };
    },

    async published(streamId: string, info: StreamInfo) {
      const session = await repo.markLive(
        db,
        streamId,
        {
          videoCodec: info.videoCodec,
          audioCodec: info.audioCodec,
          width: info.width,
          height: info.height,
          fps: info.fps,
        },
        now(),
      );
      if (!session) return;
      await repo.updateRoom(db, session.creatorId, { state: 'live', currentSessionId: session.id });
      log.info({ sessionId: streamId, creatorId: session.creatorId, info }, 'room is LIVE');
      emitStream(streamId, 'live');
      await social.notifyLive(session.creatorId, session.id);
      await events.emit('live.session_started', {
        sessionId: session.id,
        creatorId: session.creatorId,
        liveAt: session.liveAt ?? now(),
      });
    },

    async unpublished(streamId: string, reason: UnpublishReason) {
      await end(streamId, reason);
    },
  };

  return {
    hooks,

    /** Called once media is wired: lets the live domain end a stream it no longer authorizes. */
    attachMedia(control: MediaControl) {
      media = control;
    },

    async onThumbnail(streamId: string): Promise<void> {
      await repo.touchThumbnail(db, streamId, now());
    },

    /** After a crash or restart this node's open sessions have no publisher any more: end them. */
    async closeOrphanedSessions(): Promise<number> {
      const open = await repo.openSessionsOfNode(db, deps.ingestNode);
      for (const s of open) await end(s.id, 'server_restart');
      if (open.length > 0)
        log.warn({ count: open.length }, 'ended LIVE sessions left open by a previous run');
      return open.length;
    },

    async myRoom(actor: Actor | null): Promise<MyRoom> {
      requireAccess(actor, 'live.go', null);
      const room = await ensureRoom(actor.id);
      return {
        ...(await presentRoom(room, actor.id)),
        ingest: { server: deps.ingestServerUrl, streamKey: room.streamKey },
      };
    },

    async updateRoom(actor: Actor | null, body: UpdateRoomBody): Promise<MyRoom> {
      requireAccess(actor, 'live.go', null);
      await ensureRoom(actor.id);
      const room = await repo.updateRoom(db, actor.id, {
        ...(body.title !== undefined ? { title: body.title } : {}),
        ...(body.topic !== undefined ? { topic: body.topic } : {}),
        ...(body.hashtags !== undefined ? { hashtags: [...new Set(body.hashtags)] } : {}),
      });
      return {
        ...(await presentRoom(room, actor.id)),
        ingest: { server: deps.ingestServerUrl, streamKey: room!.streamKey },
      };
    },

    /** A new key; the old one stops working at once, and a stream using it is cut. */
    async regenerateKey(actor: Actor | null): Promise<MyRoom> {
      requireAccess(actor, 'live.go', null);
      await ensureRoom(actor.id);
      const room = await repo.updateRoom(db, actor.id, { streamKey: newStreamKey() });
      log.info({ creatorId: actor.id }, 'stream key regenerated');
      const open = await repo.latestSession(db, actor.id);
      if (open && open.status !== 'ended') {
        media?.kick(open.id);
        await end(open.id, 'key_regenerated');
      }
      return {
        ...(await presentRoom(room, actor.id)),
        ingest: { server: deps.ingestServerUrl, streamKey: room!.streamKey },
      };
    },

    /** The stream key of a creator, for the browser go-live bridge (null when not allowed to go LIVE). */
    async streamKeyFor(userId: string): Promise<string | null> {
      const user = await accounts.getById(userId);
      if (!user || (user.role !== 'creator' && user.role !== 'admin')) return null;
      return (await ensureRoom(userId)).streamKey;
    },

    /** A session and its room's chat settings, for the chat domain. */
    async chatContext(sessionId: string) {
      const session = await repo.findSession(db, sessionId);
      if (!session) return undefined;
      const room = await repo.findRoom(db, session.creatorId);
      return {
        sessionId: session.id,
        creatorId: session.creatorId,
        live: session.status === 'live',
        pinnedCommentId: session.pinnedCommentId,
        slowModeS: room?.slowModeS ?? 0,
        bannedWords: room?.bannedWords ?? [],
      };
    },

    async chatSettingsOf(creatorId: string): Promise<{ slowModeS: number; bannedWords: string[] }> {
      const room = await repo.findRoom(db, creatorId);
      return { slowModeS: room?.slowModeS ?? 0, bannedWords: room?.bannedWords ?? [] };
    },

    async currentSessionOf(creatorId: string): Promise<string | null> {
      const room = await repo.findRoom(db, creatorId);
      return room?.state === 'live' ? room.currentSessionId : null;
    },

    /** The creator's latest session that went LIVE (LIVE now or ended), if any. */
    async lastSessionOf(creatorId: string): Promise<string | null> {
      return (await repo.latestLiveSession(db, creatorId))?.id ?? null;
    },

    async setPinned(sessionId: string, commentId: string | null): Promise<void> {
      await repo.setPinned(db, sessionId, commentId);
    },

    async recordPeakViewers(sessionId: string, peak: number): Promise<void> {
      await repo.recordPeakViewers(db, sessionId, peak);
    },

    async updateChatSettings(
      creatorId: string,
      patch: { slowModeS?: number; bannedWords?: string[] },
    ): Promise<void> {
      await ensureRoom(creatorId);
      await repo.updateRoom(db, creatorId, patch);
    },

    /** Viewers of a LIVE session as its feed card shows them (0 before media is wired). */
    viewerCount(sessionId: string): number {
      return media?.viewerCount?.(sessionId) ?? 0;
    },

    /** creatorId → the LIVE session each is broadcasting now; creators not LIVE are absent. */
    async currentSessions(creatorIds: string[]): Promise<Map<string, string>> {
      const rows = await repo.currentSessions(db, creatorIds);
      return new Map(rows.map((r) => [r.creatorId, r.sessionId]));
    },

    async room(actor: Actor | null, handle: string): Promise<Room> {
      const creator = await accounts.getByHandle(actor, handle);
      return presentRoom(await repo.findRoom(db, creator.id), creator.id);
    },

    async feed(actor: Actor | null, query: { tab: 'foryou' | 'following'; limit: number }): Promise<Feed> {
      if (query.tab === 'following' && !actor)
        throw new AppError('auth.required', 401, 'Sign in to see who you follow.');
      const rows = await feedReadModel.liveRooms(db, {
        limit: query.limit,
        followerId: query.tab === 'following' ? actor?.id : undefined,
      });
      return { items: rows.map((r) => presentCard(r, media?.viewerCount?.(r.sessionId) ?? 0)) };
    },

    /** Feed cards of these sessions, in the order given; sessions no longer LIVE are left out. */
    async cards(sessionIds: string[]): Promise<LiveCard[]> {
      const rows = await feedReadModel.liveRooms(db, { limit: sessionIds.length, sessionIds });
      const byId = new Map(rows.map((r) => [r.sessionId, r]));
      return sessionIds.flatMap((id) => {
        const r = byId.get(id);
        return r ? [presentCard(r, media?.viewerCount?.(id) ?? 0)] : [];
      });
    },
  };
}

export type LiveService = ReturnType<typeof createLiveService>;
