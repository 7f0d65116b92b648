import type { LiveCard as LiveCardData } from '@onair/protocol';
import { useState } from 'react';
import { Link } from 'react-router';
import { compactCount } from '../lib/format.ts';
import { topicLabel } from '../lib/topics.ts';
import { HashtagLinks } from '../search/Hashtags.tsx';
import { Avatar } from './Avatar.tsx';
import { EyeIcon } from './Icons.tsx';

/** A 9:16 tile: thumbnail (or the creator's avatar on a gradient), LIVE badge, viewers, title, creator. */
export function LiveCard({ card }: { card: LiveCardData }) {
  const [failedThumb, setFailedThumb] = useState<string | null>(null);
  const { creator } = card;
  const title = card.title.trim() || `${creator.displayName} is LIVE`;
  const thumb = card.thumbnailUrl && failedThumb !== card.thumbnailUrl ? card.thumbnailUrl : null;
  return (
    <Link
      to={`/@${creator.handle}/live`}
      className="live-card"
      data-testid="live-card"
      data-session-id={card.sessionId}
      data-handle={creator.handle}
    >
      {thumb ? (
        <img
          className="live-card-thumb"
          src={thumb}
          alt=""
          loading="lazy"
          onError={() => setFailedThumb(thumb)}
        />
      ) : (
        <span className="live-card-thumb live-card-thumb-empty" aria-hidden="true">
          <Avatar user={creator} size={72} className="live-card-fallback-avatar" />
        </span>
      )}
      <span className="live-card-top">
        <span className="live-pill">LIVE</span>
        <span className="live-card-viewers">
          <EyeIcon size={14} />
          <span>
            {compactCount(card.viewerCount)}
            <span className="visually-hidden"> watching</span>
          </span>
        </span>
      </span>
      <span className="live-card-bottom">
        {card.ranking?.explore ? (
          <span className="live-card-new" data-testid="new-creator">
            New creator
          </span>
        ) : null}
        <span className="live-card-title">{title}</span>
        <span className="live-card-creator">
          <Avatar user={creator} size={20} />
          <span className="live-card-handle">@{creator.handle}</span>
        </span>
        <span className="live-card-topic">{topicLabel(card.topic)}</span>
      </span>
    </Link>
  );
}

/** The feed grid; two columns on phones, more as the screen widens. */
export function LiveGrid({ cards, label }: { cards: LiveCardData[]; label: string }) {
  return (
    <ul className="live-grid" aria-label={label}>
      {cards.map((c) => (
        <li key={c.sessionId}>
          <div className="live-card-wrap">
            <LiveCard card={c} />
            {/* Beside the card, not in it: a link inside the card's link is not valid HTML. */}
            <HashtagLinks tags={c.hashtags} className="hashtag-row live-card-tags" />
          </div>
        </li>
      ))}
    </ul>
  );
}
