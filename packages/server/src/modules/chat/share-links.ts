import { randomBytes } from 'node:crypto';
import type { Actor } from '@onair/core';
import type { ShareLink } from '@onair/protocol';
import { requireAccess } from '../../access.ts';
import type { Db } from '../../db/database.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { LiveService } from '../live/live.service.ts';
import * as repo from './chat.repository.ts';
import type { RoomRules } from './room-rules.ts';

export interface ShareLinksDeps {
  db: Db;
  accounts: AccountsService;
  live: LiveService;
  rules: RoomRules;
  publicUrl: string;
}

/** Shares with attribution: a link per sharer and creator that counts the visits and follows it brings. */
export function createShareLinks({ db, accounts, live, rules, publicUrl }: ShareLinksDeps) {
  return {
    async share(actor: Actor | null, handle: string): Promise<ShareLink> {
      requireAccess(actor, 'chat.post', null);
      const creator = await accounts.getByHandle(actor, handle);
      const sessionId = await live.currentSessionOf(creator.id);
      const code = await repo.findOrCreateShareLink(db, {
        code: randomBytes(6).toString('base64url'),
        sharerId: actor.id,
        creatorId: creator.id,
        sessionId,
      });
      if (sessionId) {
        const ctx = await rules.context(sessionId);
        await rules.appendIfLive(ctx, { kind: 'share', user: await rules.chatUser(ctx, actor.id) });
      }
      return { code, url: `${publicUrl}/@${creator.handle}/live?ref=${code}` };
    },

    async shareVisit(code: string): Promise<{ counted: boolean }> {
      return { counted: (await repo.countShareVisit(db, code)) !== undefined };
    },

    /** Called by the social domain when someone follows: credits a share link and tells the LIVE room. */
    async onFollow(followerId: string, creatorId: string, ref: string | undefined): Promise<void> {
      if (ref) await repo.countShareFollow(db, ref, creatorId);
      const sessionId = await live.currentSessionOf(creatorId);
      if (!sessionId) return;
      const ctx = await rules.context(sessionId);
      await rules.appendIfLive(ctx, { kind: 'follow', user: await rules.chatUser(ctx, followerId) });
    },

    async shareStats(actor: Actor | null) {
      requireAccess(actor, 'live.go', null);
      const rows = await repo.shareStats(db, actor.id);
      return {
        sharers: rows.map((r) => ({
          handle: r.handle,
          visits: Number(r.visits),
          follows: Number(r.follows),
        })),
      };
    },
  };
}
