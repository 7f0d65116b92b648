import type { CreatorHit, EventCard, LiveCard, TopCreator } from '@onair/protocol';
import { presentUser } from '../accounts/accounts.presenter.ts';
import { presentCard } from '../live/live.presenter.ts';
import type { searchCreators } from './creators.read-model.ts';
import type { EventCardRow } from './search.read-model.ts';
import type { topCreatorsOfTag } from './tags.read-model.ts';

type CreatorRow = Awaited<ReturnType<typeof searchCreators>>[number];
type TopCreatorRow = Awaited<ReturnType<typeof topCreatorsOfTag>>[number];

export function presentCreatorHit(r: CreatorRow): CreatorHit {
  return { ...presentUser(r), followerCount: Number(r.followerCount), live: r.live };
}

export function presentTopCreator(r: TopCreatorRow): TopCreator {
  return { ...presentUser(r), followerCount: Number(r.followerCount), uses: Number(r.uses) };
}

/** The LIVE feed's card, so a room looks the same in search, on a tag page and in the feed. */
export const presentRoomCard: (row: Parameters<typeof presentCard>[0], viewerCount: number) => LiveCard =
  presentCard;

export function presentEventCard(r: EventCardRow): EventCard {
  return {
    id: r.eventId,
    creator: presentUser(r),
    title: r.title,
    startsAt: r.startsAt.toISOString(),
    timeZone: r.timeZone,
    durationMin: r.durationMin,
    coverUrl: r.coverUrl,
    hashtags: r.hashtags,
    rsvpCount: r.rsvpCount,
  };
}
