import type { PublicUser } from '@onair/protocol';
import { Link } from 'react-router';
import './leagues.css';

type Badge = NonNullable<PublicUser['league']>;

/** The tier beside a creator's name (room header, profile); a link to their league page. */
export function LeagueBadge({ league, handle }: { league: Badge | undefined; handle: string }) {
  if (!league) return null;
  const letter = league.tier[0]!.toLowerCase();
  return (
    <Link
      to={`/@${handle}/league`}
      className={`league-badge league-${letter}`}
      data-testid="league-badge"
      data-tier={league.tier}
      aria-label={`League ${league.tier}: see @${handle}'s league`}
      title={`League ${league.tier}`}
    >
      <span aria-hidden="true" className="league-badge-mark">
        ◆
      </span>
      {league.tier}
    </Link>
  );
}
