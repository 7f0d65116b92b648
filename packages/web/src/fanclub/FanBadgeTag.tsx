import type { FanBadge } from '@onair/protocol';
import './fanclub.css';

/** The creator's club badge with the member's level, beside their name in chat and join notices. */
export function FanBadgeTag({ fan }: { fan: FanBadge | undefined }) {
  if (!fan) return null;
  return (
    <span
      className={`fan-badge${fan.level >= 10 ? ' is-high' : ''}`}
      data-testid="fan-badge"
      title={`Fan club level ${fan.level}`}
    >
      <span className="fan-badge-heart" aria-hidden="true">
        ♥
      </span>
      <span className="fan-badge-name">{fan.name}</span>
      <span className="fan-badge-level">{fan.level}</span>
    </span>
  );
}
