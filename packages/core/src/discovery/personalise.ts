/**
 * Personal boosts on top of the shared ranking: the shared score is computed once for everyone,
 * and each viewer's feed adds a few points for creators they follow and topics and hashtags they
 * watch. The boosts are bounded (maxPersonalBoost), so a followed creator with weak signals moves up
 * the page but never buries every room the viewer does not know yet.
 */
import type { RankingConfig } from './config.ts';

export interface Affinity {
  followed: boolean;
  /** Share 0..1 of the viewer's recent watching in this room's topic. */
  topicShare: number;
  /** Share 0..1 of the viewer's recent watching under this room's hashtags. */
  hashtagShare: number;
}

const share = (v: number) => (v > 0 ? Math.min(v, 1) : 0);

/** base + followed * personal.followed + topicShare * personal.topic + hashtagShare * personal.hashtag. */
export function personalScore(base: number, a: Affinity, c: RankingConfig): number {
  return (
    base +
    (a.followed ? c.personal.followed : 0) +
    share(a.topicShare) * c.personal.topic +
    share(a.hashtagShare) * c.personal.hashtag
  );
}

/** The most any viewer's affinities can add to a room's score. */
export function maxPersonalBoost(c: RankingConfig): number {
  return c.personal.followed + c.personal.topic + c.personal.hashtag;
}
