import { Handle } from '@onair/protocol';
import type { Db } from '../../db/database.ts';
import { mediaUrls } from '../live/live.presenter.ts';
import { type CreatorCardRow, creatorCard, type EventCardRow, eventCard } from './share-cards.read-model.ts';

/**
 * Link previews: a link to a creator, their LIVE or an event pasted into a chat app or a social
 * network is fetched by a crawler that runs no JavaScript, so the SPA's index.html carries Open
 * Graph and Twitter card tags for it. Only `<meta>` tags and the `<title>` change: the page stays the
 * same app, and the CSP (no inline scripts) holds.
 */
export interface ShareCard {
  title: string;
  description: string;
  /** Absolute URL, or null when there is no picture to show. */
  image: string | null;
  url: string;
  type: 'profile' | 'video.other' | 'website';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
/** For text and attribute values alike: nothing a user wrote can close the tag or the attribute. */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s);

/** "Sat, Dec 12, 2026, 8:00 PM CET": the time as the creator planned it, in the event's zone. */
export function eventTime(startsAt: Date, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  };
  try {
    return new Intl.DateTimeFormat('en-US', { ...options, timeZone }).format(startsAt);
  } catch {
    return new Intl.DateTimeFormat('en-US', { ...options, timeZone: 'UTC' }).format(startsAt);
  }
}

export function renderMeta(card: ShareCard): string {
  const tags: [string, string, string][] = [
    ['property', 'og:site_name', 'OnAir'],
    ['property', 'og:type', card.type],
    ['property', 'og:title', card.title],
    ['property', 'og:description', card.description],
    ['property', 'og:url', card.url],
    ['name', 'description', card.description],
    ['name', 'twitter:card', 'summary_large_image'],
    ['name', 'twitter:title', card.title],
    ['name', 'twitter:description', card.description],
  ];
  if (card.image) {
    tags.push(['property', 'og:image', card.image], ['name', 'twitter:image', card.image]);
  }
  return tags
    .map(([attr, key, value]) => `<meta ${attr}="${key}" content="${escapeHtml(value)}">`)
    .join('\n');
}

/** index.html with the card's title and tags in its head. */
export function withCard(indexHtml: string, card: ShareCard): string {
  const title = `<title>${escapeHtml(card.title)} | OnAir</title>`;
  const head = `${title}\n${renderMeta(card)}\n`;
  // The card's title and description replace the app's generic ones rather than doubling them.
  const withoutTitle = indexHtml
    .replace(/<title>[\s\S]*?<\/title>\s*/i, '')
    .replace(/<meta\s+name="description"[^>]*>\s*/i, '');
  if (/<\/head>/i.test(withoutTitle)) return withoutTitle.replace(/<\/head>/i, `${head}</head>`);
  if (/<head[^>]*>/i.test(withoutTitle)) return withoutTitle.replace(/<head[^>]*>/i, (m) => `${m}\n${head}`);
  return withoutTitle.replace(/^(<!doctype html>)?/i, (m) => `${m}\n${head}`);
}

export function createShareCards({ db, publicUrl }: { db: Db; publicUrl: string }) {
  const absolute = (url: string) => (/^https?:\/\//.test(url) ? url : `${publicUrl}${url}`);

  function creator(c: CreatorCardRow, live: boolean): ShareCard {
    const name = `${c.displayName} (@${c.handle})`;
    const url = `${publicUrl}/@${encodeURIComponent(c.handle)}${live ? '/live' : ''}`;
    const avatar = c.avatarUrl ? absolute(c.avatarUrl) : null;
    if (live && c.sessionId) {
      const thumbnail = c.thumbnailAt
        ? absolute(`${mediaUrls(c.sessionId).thumbnailUrl}?t=${c.thumbnailAt.getTime()}`)
        : avatar;
      return {
        title: `🔴 LIVE now: ${name}`,
        description: clip(c.sessionTitle || `${c.displayName} is LIVE on OnAir. Join in!`, 200),
        image: thumbnail,
        url,
        type: 'video.other',
      };
    }
    const followers = `${c.followerCount} follower${c.followerCount === 1 ? '' : 's'}`;
    return {
      title: name,
      description: clip(
        c.bio ? `${followers} · ${c.bio}` : `${followers} · Watch ${c.displayName} on OnAir.`,
        200,
      ),
      image: avatar,
      url,
      type: 'profile',
    };
  }

  function event(e: EventCardRow): ShareCard {
    const when = eventTime(e.startsAt, e.timeZone);
    const lead = e.status === 'cancelled' ? `Cancelled: ${when}` : `Scheduled LIVE · ${when}`;
    return {
      title: `${e.title} · ${e.displayName} (@${e.handle})`,
      description: clip(e.description ? `${lead} · ${e.description}` : lead, 200),
      image: e.coverUrl ? absolute(e.coverUrl) : e.avatarUrl ? absolute(e.avatarUrl) : null,
      url: `${publicUrl}/events/${e.id}`,
      type: 'website',
    };
  }

  return {
    /** The card for a page path (`/@ana`, `/@ana/live`, `/events/<id>`); null for any other page. */
    async cardFor(path: string): Promise<ShareCard | null> {
      const profile = /^\/@([^/]+)(\/live)?\/?$/.exec(path);
      if (profile) {
        const handle = Handle.safeParse(profile[1]);
        if (!handle.success) return null;
        const row = await creatorCard(db, handle.data);
        return row ? creator(row, profile[2] !== undefined) : null;
      }
      const ev = /^\/events\/([^/]+)\/?$/.exec(path);
      if (ev?.[1] && UUID.test(ev[1])) {
        const row = await eventCard(db, ev[1].toLowerCase());
        return row ? event(row) : null;
      }
      return null;
    },
  };
}

export type ShareCards = ReturnType<typeof createShareCards>;
