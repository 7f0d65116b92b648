import type { TopGifters as TopGiftersList } from '@onair/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../app/api.ts';
import { useOnReconnect } from '../app/realtime.tsx';
import { Avatar } from '../components/Avatar.tsx';
import { Sheet } from '../components/Sheet.tsx';
import { CoinGlyph } from '../wallet/MoneyIcons.tsx';
import { formatCount } from '../wallet/money.ts';

/** Gifts can arrive many a second: the ranking is refetched at most this often. */
const REFRESH_GAP_MS = 1500;

export interface TopGiftersController {
  list: TopGiftersList | null;
  /** A gift just landed: refetch soon. */
  poke: () => void;
}

/** The room's top gifters for the current LIVE, refreshed when gifts arrive (throttled). */
export function useTopGifters(handle: string): TopGiftersController {
  const [list, setList] = useState<TopGiftersList | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const load = useCallback(async () => {
    try {
      setList(await api.topGifters(handle));
    } catch {
      // The ranking is a nicety: a failed refresh keeps the last one on screen.
    }
  }, [handle]);

  useEffect(() => {
    void load();
    return () => {
      clearTimeout(timer.current);
      timer.current = undefined;
    };
  }, [load]);
  useOnReconnect(() => void load());

  const poke = useCallback(() => {
    timer.current ??= setTimeout(() => {
      timer.current = undefined;
      void load();
    }, REFRESH_GAP_MS);
  }, [load]);

  return { list, poke };
}

/** Top three gifters as a small avatar strip on the video; a tap opens the whole ranking. */
export function TopGiftersStrip({ list }: { list: TopGiftersList | null }) {
  const [open, setOpen] = useState(false);
  const gifters = list?.gifters ?? [];
  if (gifters.length === 0) return null;
  const top = gifters.slice(0, 3);
  return (
    <>
      <button
        type="button"
        className="top-gifters-strip"
        onClick={() => setOpen(true)}
        aria-label={`Top gifters: ${top.map((g) => g.user.displayName).join(', ')}`}
        data-testid="top-gifters"
        data-count={gifters.length}
      >
        {top.map((g, i) => (
          <span key={g.user.id} className={`top-gifter rank-${i + 1}`}>
            <Avatar user={g.user} size={28} />
            <span className="top-gifter-rank">{i + 1}</span>
          </span>
        ))}
      </button>
      {open ? (
        <Sheet title="Top gifters" onClose={() => setOpen(false)} testId="top-gifters-sheet">
          <p className="muted">Who sent the most coins in gifts during this LIVE.</p>
          <ol className="top-gifters-list">
            {gifters.map((g, i) => (
              <GifterRow key={g.user.id} place={i + 1} user={g.user} coins={g.coins} testId="top-gifter" />
            ))}
          </ol>
        </Sheet>
      ) : null}
    </>
  );
}

/** One place in a top-gifters list: the place, who (linked to their profile) and their coins. */
export function GifterRow({
  place,
  user,
  coins,
  testId,
}: {
  place: number;
  user: TopGiftersList['gifters'][number]['user'];
  coins: number;
  testId: string;
}) {
  return (
    <li className="top-gifters-row" data-testid={testId} data-handle={user.handle}>
      <span className={`top-gifters-place rank-${place}`}>{place}</span>
      <Link to={`/@${user.handle}`} className="top-gifters-who">
        <Avatar user={user} size={36} />
        <span className="top-gifters-names">
          <span className="top-gifters-name">{user.displayName}</span>
          <span className="top-gifters-handle">@{user.handle}</span>
        </span>
      </Link>
      <span className="top-gifters-coins">
        <CoinGlyph size={16} />
        {formatCount(coins)}
      </span>
    </li>
  );
}
