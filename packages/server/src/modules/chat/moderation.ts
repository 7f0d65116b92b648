import type { Actor } from '@onair/core';
import type { ChatUser, ModerationSettings } from '@onair/protocol';
import type { Logger } from 'pino';
import { requireAccess } from '../../access.ts';
import type { Db } from '../../db/database.ts';
import { AppError, badRequest, notFound } from '../../errors.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { LiveService } from '../live/live.service.ts';
import * as repo from './chat.repository.ts';
import type { RoomRules } from './room-rules.ts';

export interface ModerationDeps {
  db: Db;
  accounts: AccountsService;
  live: LiveService;
  logger: Logger;
  rules: RoomRules;
  /** Waits for comments still being written, so a report can find the one it names. */
  drainComments: () => Promise<void>;
  now: () => Date;
}

const asChatUser = (
  u: { id: string; handle: string; displayName: string; avatarUrl: string | null },
  badge: ChatUser['badge'],
): ChatUser => ({ id: u.id, handle: u.handle, displayName: u.displayName, avatarUrl: u.avatarUrl, badge });

/** A creator's chat rules and the people who enforce them: moderators, mutes, bans, blocks, reports. */
export function createModeration({ db, accounts, live, logger, rules, drainComments, now }: ModerationDeps) {
  async function settings(actor: Actor | null): Promise<ModerationSettings> {
    requireAccess(actor, 'live.go', null);
    const [mods, sanctions, roomRules] = await Promise.all([
      repo.moderators(db, actor.id),
      repo.activeSanctions(db, actor.id, now()),
      live.chatSettingsOf(actor.id),
    ]);
    return {
      moderators: mods.map((m) => asChatUser(m, 'moderator')),
      bannedWords: roomRules.bannedWords,
      slowModeS: roomRules.slowModeS,
      muted: sanctions
        .filter((s) => s.kind === 'mute')
        .map((s) => ({ user: asChatUser(s, null), until: s.until!.toISOString() })),
      banned: sanctions.filter((s) => s.kind === 'ban').map((s) => asChatUser(s, null)),
    };
  }

  return {
    settings,

    async sanction(
      actor: Actor | null,
      sessionId: string,
      handle: string,
      action: 'mute' | 'unmute' | 'ban' | 'unban',
      minutes?: number,
    ): Promise<void> {
      const ctx = await rules.context(sessionId, true);
      requireAccess(actor, 'chat.moderate', rules.access(ctx, actor));
      const target = await accounts.getByHandle(actor, handle);
      if (target.id === ctx.creatorId || (ctx.moderators.has(target.id) && actor.id !== ctx.creatorId)) {
        throw new AppError('auth.forbidden', 403, 'Moderators cannot sanction the host or each other.');
      }
      if (target.id === actor.id) throw badRequest('request.invalid', "You can't sanction yourself.");
      const kind = action === 'mute' || action === 'unmute' ? 'mute' : 'ban';
      let until: Date | null = null;
      if (action === 'mute' || action === 'ban') {
        until = action === 'mute' ? new Date(now().getTime() + (minutes ?? 5) * 60_000) : null;
        await repo.setSanction(db, {
          creatorId: ctx.creatorId,
          userId: target.id,
          kind,
          until,
          byUserId: actor.id,
        });
      } else {
        await repo.liftSanction(db, ctx.creatorId, target.id, kind);
      }
      await rules.invalidateCreator(ctx.creatorId);
      logger.info({ creatorId: ctx.creatorId, by: actor.id, target: target.id, action }, 'chat moderation');
      await rules.appendIfLive(ctx, {
        kind: 'moderation',
        action,
        user: await rules.chatUser(ctx, target.id),
        until: until?.toISOString() ?? null,
      });
    },

    async setModerator(actor: Actor | null, handle: string, appoint: boolean): Promise<ModerationSettings> {
      requireAccess(actor, 'live.go', null);
      const target = await accounts.getByHandle(actor, handle);
      if (target.id === actor.id) throw badRequest('request.invalid', 'You are already the host.');
      if (appoint) await repo.addModerator(db, actor.id, target.id);
      else await repo.removeModerator(db, actor.id, target.id);
      await rules.invalidateCreator(actor.id);
      const sessionId = await live.currentSessionOf(actor.id);
      if (sessionId) {
        const ctx = await rules.context(sessionId, true);
        await rules.appendIfLive(ctx, {
          kind: 'moderation',
          action: appoint ? 'moderator_added' : 'moderator_removed',
          user: await rules.chatUser(ctx, target.id),
          until: null,
        });
      }
      return settings(actor);
    },

    async updateSettings(
      actor: Actor | null,
      patch: { bannedWords?: string[]; slowModeS?: number },
    ): Promise<ModerationSettings> {
      requireAccess(actor, 'chat.manage', { ownerId: actor?.id ?? '' });
      await live.updateChatSettings(actor.id, {
        ...(patch.bannedWords ? { bannedWords: [...new Set(patch.bannedWords)] } : {}),
        ...(patch.slowModeS !== undefined ? { slowModeS: patch.slowModeS } : {}),
      });
      await rules.invalidateCreator(actor.id);
      const sessionId = await live.currentSessionOf(actor.id);
      if (sessionId && patch.slowModeS !== undefined) {
        await rules.appendIfLive(await rules.context(sessionId, true), {
          kind: 'settings',
          slowModeS: patch.slowModeS,
        });
      }
      return settings(actor);
    },

    async report(actor: Actor | null, commentId: string, reason: string): Promise<void> {
      requireAccess(actor, 'chat.post', null);
      await drainComments();
      const row = await repo.findComment(db, commentId);
      if (!row) throw notFound('chat.comment_not_found', 'No such comment.');
      await repo.report(db, commentId, actor.id, reason);
      logger.info({ commentId, by: actor.id }, 'comment reported');
    },

    async reports(actor: Actor | null) {
      requireAccess(actor, 'report.review', null);
      const rows = await repo.openReports(db, 100);
      return { reports: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })) };
    },

    /** The users a viewer has blocked, whose events the gateway hides from them. */
    async hiddenFor(userId: string): Promise<Set<string> | null> {
      const ids = await repo.blockedBy(db, userId);
      return ids.length ? new Set(ids) : null;
    },

    async block(actor: Actor | null, handle: string, blocked: boolean): Promise<{ blocked: boolean }> {
      requireAccess(actor, 'follow.manage', { ownerId: actor?.id ?? '' });
      const target = await accounts.getByHandle(actor, handle);
      if (target.id === actor.id) throw badRequest('request.invalid', "You can't block yourself.");
      if (blocked) await repo.block(db, actor.id, target.id);
      else await repo.unblock(db, actor.id, target.id);
      await rules.invalidateCreator(actor.id);
      return { blocked };
    },
  };
}
