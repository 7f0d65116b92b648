import type { Leaderboard, LeaderboardWindowName } from '@onair/protocol';
import { useEffect, useState } from 'react';
import { api } from '../app/api.ts';
import { Sheet } from '../components/Sheet.tsx';
import { GifterRow } from '../gifts/TopGifters.tsx';
import { errorMessage } from '../lib/errors.ts';
import './leagues.css';

const WINDOWS: { id: LeaderboardWindowName; label: string }[] = [
  { id: 'daily', label: 'Today' },
  { id: 'weekly', label: 'This week' },
  { id: 'allTime', label: 'All time' },
];

/** A room's top gifters with a day / week / all-time switch. */
export function RoomLeaderboard({ handle }: { handle: string }) {
  const [window, setWindow] = useState<LeaderboardWindowName>('daily');
  const [board, setBoard] = useState<Leaderboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setError(null);
    api.leaderboard(handle, window).then(
      (b) => live && setBoard(b),
      (err) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [handle, window]);
  const gifters = board?.window === window ? board.gifters : null;
  return (
    <div className="room-leaderboard" data-testid="room-leaderboard">
      <div className="league-windows" role="tablist" aria-label="Leaderboard period">
        {WINDOWS.map((w) => (
          <button
            key={w.id}
            type="button"
            role="tab"
            aria-selected={window === w.id}
            className={`league-window${window === w.id ? ' is-active' : ''}`}
            onClick={() => setWindow(w.id)}
          >
            {w.label}
          </button>
        ))}
      </div>
      {error ? <p className="muted">{error}</p> : null}
      {gifters === null ? (
        error ? null : (
          <p className="muted">Loading…</p>
        )
      ) : gifters.length === 0 ? (
        <p className="muted">
          No gifts {window === 'allTime' ? 'yet' : `in this ${window === 'daily' ? 'day' : 'week'}`}.
        </p>
      ) : (
        <ol className="top-gifters-list">
          {gifters.map((g) => (
            <GifterRow
              key={g.user.id}
              place={g.rank}
              user={g.user}
              coins={g.coins}
              testId="leaderboard-row"
            />
          ))}
        </ol>
      )}
    </div>
  );
}

/** A small trophy (the shared icon set has none). */
function TrophyIcon({ size = 16 }: { size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d="M8 21h8M12 17v4M7 4h10v5a5 5 0 0 1-10 0V4Z" />
      <path d="M17 5h3v2a3 3 0 0 1-3 3M7 5H4v2a3 3 0 0 0 3 3" />
    </svg>
  );
}

/** The room's button that opens its top gifters (day, week, all time) as a sheet. */
export function RoomLeaderboardButton({
  handle,
  variant = 'chip',
}: {
  handle: string;
  variant?: 'chip' | 'plain';
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className={variant === 'chip' ? 'league-board-chip' : 'btn btn-secondary league-board-button'}
        onClick={() => setOpen(true)}
        data-testid="leaderboard-open"
      >
        <TrophyIcon size={variant === 'chip' ? 13 : 16} />
        Top gifters
      </button>
      {open ? (
        <Sheet title="Top gifters" onClose={() => setOpen(false)} testId="leaderboard-sheet">
          <RoomLeaderboard handle={handle} />
        </Sheet>
      ) : null}
    </>
  );
}
