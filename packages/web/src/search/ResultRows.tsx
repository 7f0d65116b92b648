import type { CreatorHit, EventCard, TopCreator } from '@onair/protocol';
import { Link } from 'react-router';
import { Avatar } from '../components/Avatar.tsx';
import { CalendarIcon } from '../components/Icons.tsx';
import { compactCount, followersLabel } from '../lib/format.ts';
import { eventTimeLabel } from './eventTime.ts';
import { HashtagLinks } from './Hashtags.tsx';

/** A creator in search results or a tag's top creators: picture, names, followers, LIVE badge. */
export function CreatorRow({ creator }: { creator: CreatorHit | (TopCreator & { live?: boolean }) }) {
  const live = 'live' in creator && creator.live;
  return (
    <li className="result-row" data-testid="creator-result">
      <Link to={live ? `/@${creator.handle}/live` : `/@${creator.handle}`} className="result-link">
        <span className={live ? 'avatar-live-ring' : undefined}>
          <Avatar user={creator} size={48} />
        </span>
        <span className="result-text">
          <span className="result-title">{creator.displayName}</span>
          <span className="result-sub">
            @{creator.handle} · {followersLabel(creator.followerCount)}
            {'uses' in creator ? ` · used ${creator.uses}×` : ''}
          </span>
        </span>
        {live ? <span className="live-pill">LIVE</span> : null}
      </Link>
    </li>
  );
}

/** An upcoming event: its title, creator, time in its own zone, reminders asked for, hashtags. */
export function EventRow({ event }: { event: EventCard }) {
  return (
    <li className="result-row" data-testid="event-result">
      <Link to={`/events/${event.id}`} className="result-link">
        <span className="result-icon" aria-hidden="true">
          <CalendarIcon size={24} />
        </span>
        <span className="result-text">
          <span className="result-title">{event.title}</span>
          <span className="result-sub">
            <time dateTime={event.startsAt}>{eventTimeLabel(event.startsAt, event.timeZone)}</time> · @
            {event.creator.handle} · {compactCount(event.rsvpCount)} going
          </span>
        </span>
      </Link>
      <HashtagLinks tags={event.hashtags} className="hashtag-row result-tags" />
    </li>
  );
}
