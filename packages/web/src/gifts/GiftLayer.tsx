import type { GiftEvent } from '@onair/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Avatar } from '../components/Avatar.tsx';
import { GiftArt } from './GiftArt.tsx';
import { useGiftFrames } from './useGiftFrames.ts';

/** A combo stays on screen this long after its last send (the server's streak window is 3 s). */
const COMBO_LINGER_MS = 3500;
const MAX_COMBOS = 4;
const BANNER_MS = 2800;
const MAX_BANNERS = 2;
const FULLSCREEN_MS = { large: 3800, epic: 5200 } as const;
/** Big gifts wait their turn; a flood of them should not keep the screen covered for minutes. */
const MAX_QUEUED = 12;

type Sender = GiftEvent['from'];

interface Combo {
  key: string;
  from: Sender;
  gift: GiftEvent['gift'];
  count: number;
  /** Bumps on every send, so the counter pops again. */
  bump: number;
  lastAt: number;
}

interface Shown {
  key: string;
  event: GiftEvent;
}

/** The server's sender has no avatar URL: initials on the sender's color stand in. */
const asUser = (from: Sender) => ({ handle: from.handle, displayName: from.displayName, avatarUrl: null });

/**
 * Gifts as the room sees them, for every viewer and the host, from the session's `gift` frames:
 * small gifts stack into a combo counter per sender and gift ("x17") sliding in on the left, medium
 * ones burst or fly a banner across, large and epic ones take over the screen one at a time.
 * Decorative (aria-hidden); one polite line announces the bigger gifts to screen readers.
 */
export function GiftLayer({ sessionId, onGift }: { sessionId: string; onGift?: (gift: GiftEvent) => void }) {
  const [combos, setCombos] = useState<Combo[]>([]);
  const [banners, setBanners] = useState<Shown[]>([]);
  const [fullscreen, setFullscreen] = useState<Shown | null>(null);
  const [announce, setAnnounce] = useState('');
  const queue = useRef<Shown[]>([]);
  const bannerQueue = useRef<Shown[]>([]);
  const seen = useRef(new Set<string>());

  // What is on screen, mirrored in refs so queueing decisions stay out of state updaters.
  const bannersOn = useRef<Shown[]>([]);
  const fullscreenOn = useRef<Shown | null>(null);

  const setBannersOn = useCallback((list: Shown[]) => {
    bannersOn.current = list;
    setBanners(list);
  }, []);

  const nextFullscreen = useCallback(() => {
    const next = queue.current.shift() ?? null;
    fullscreenOn.current = next;
    setFullscreen(next);
  }, []);

  const onFrame = (e: GiftEvent) => {
    // A resumed connection may deliver a frame twice.
    if (seen.current.has(e.id)) return;
    seen.current.add(e.id);
    if (seen.current.size > 500) seen.current = new Set([...seen.current].slice(-250));
    onGift?.(e);
    const shown = { key: e.id, event: e };
    if (e.gift.tier === 'small') {
      setCombos((list) => {
        const key = `${e.from.id}:${e.gift.id}:${e.streak.id}`;
        const at = Date.now();
        const found = list.find((c) => c.key === key);
        if (found)
          return list.map((c) =>
            c === found
              ? { ...c, count: Math.max(c.count, e.streak.count), bump: c.bump + 1, lastAt: at }
              : c,
          );
        const combo: Combo = { key, from: e.from, gift: e.gift, count: e.streak.count, bump: 0, lastAt: at };
        return [...list, combo].slice(-MAX_COMBOS);
      });
      return;
    }
    setAnnounce(`${e.from.displayName} sent ${e.gift.name}${e.quantity > 1 ? ` ×${e.quantity}` : ''}`);
    if (e.gift.tier === 'medium') {
      if (bannersOn.current.length < MAX_BANNERS) setBannersOn([...bannersOn.current, shown]);
      else bannerQueue.current.push(shown);
    } else {
      if (queue.current.length >= MAX_QUEUED) queue.current.shift();
      queue.current.push(shown);
      if (!fullscreenOn.current) nextFullscreen();
    }
  };
  useGiftFrames(sessionId, onFrame);

  // Combos fade once their streak is over.
  useEffect(() => {
    if (combos.length === 0) return;
    const timer = setInterval(() => {
      const now = Date.now();
      setCombos((list) => {
        const next = list.filter((c) => now - c.lastAt < COMBO_LINGER_MS);
        return next.length === list.length ? list : next;
      });
    }, 250);
    return () => clearInterval(timer);
  }, [combos.length]);

  const bannerDone = useCallback(
    (key: string) => {
      const rest = bannersOn.current.filter((b) => b.key !== key);
      const next = bannerQueue.current.shift();
      setBannersOn(next ? [...rest, next] : rest);
    },
    [setBannersOn],
  );

  // One big gift at a time, each for its few seconds; the next one follows.
  useEffect(() => {
    if (!fullscreen) return;
    const tier = fullscreen.event.gift.tier === 'epic' ? 'epic' : 'large';
    const timer = setTimeout(nextFullscreen, FULLSCREEN_MS[tier]);
    return () => clearTimeout(timer);
  }, [fullscreen, nextFullscreen]);

  return (
    <>
      <div
        className={`gift-layer${fullscreen ? ' has-fullscreen' : ''}`}
        aria-hidden="true"
        data-testid="gift-layer"
      >
        <ul className="gift-combos">
          {combos.map((c) => (
            <li
              key={c.key}
              className="gift-combo"
              data-testid="gift-combo"
              data-gift={c.gift.id}
              data-sender={c.from.handle}
              data-count={c.count}
            >
              <Avatar user={asUser(c.from)} size={32} />
              <span className="gift-combo-text">
                <span className="gift-combo-name">{c.from.displayName}</span>
                <span className="gift-combo-what">sent {c.gift.name}</span>
              </span>
              <GiftArt
                icon={c.gift.icon}
                name={c.gift.name}
                tier={c.gift.tier}
                size={38}
                className="gift-combo-art"
              />
              <span key={c.bump} className="gift-combo-count">
                x{c.count}
              </span>
            </li>
          ))}
        </ul>
        {banners.map((b) => (
          <Banner key={b.key} shown={b} onDone={bannerDone} />
        ))}
        {fullscreen ? <Fullscreen key={fullscreen.key} event={fullscreen.event} /> : null}
      </div>
      <p className="visually-hidden" aria-live="polite">
        {announce}
      </p>
    </>
  );
}

function Banner({ shown, onDone }: { shown: Shown; onDone: (key: string) => void }) {
  const e = shown.event;
  useEffect(() => {
    const timer = setTimeout(() => onDone(shown.key), BANNER_MS);
    return () => clearTimeout(timer);
  }, [shown.key, onDone]);
  return (
    <div
      className={`gift-banner gift-anim-${e.gift.animation}`}
      data-testid="gift-banner"
      data-gift={e.gift.id}
      data-sender={e.from.handle}
    >
      <span className="gift-banner-burst">
        <GiftArt icon={e.gift.icon} name={e.gift.name} tier={e.gift.tier} size={56} />
      </span>
      <span className="gift-banner-text">
        <span className="gift-banner-name">{e.from.displayName}</span>
        <span className="gift-banner-what">
          sent {e.gift.name}
          {e.quantity > 1 ? ` ×${e.quantity}` : ''}
        </span>
      </span>
    </div>
  );
}

function Fullscreen({ event: e }: { event: GiftEvent }) {
  return (
    <div
      className={`gift-fullscreen tier-${e.gift.tier}`}
      data-testid="gift-fullscreen"
      data-gift={e.gift.id}
      data-sender={e.from.handle}
    >
      <span className="gift-fullscreen-glow" />
      <span className="gift-fullscreen-rays" />
      <span className="gift-fullscreen-art">
        <GiftArt icon={e.gift.icon} name={e.gift.name} tier={e.gift.tier} size={150} />
      </span>
      <span className="gift-fullscreen-caption">
        <Avatar user={asUser(e.from)} size={40} />
        <span className="gift-fullscreen-text">
          <span className="gift-fullscreen-name">{e.from.displayName}</span>
          <span className="gift-fullscreen-what">
            sent {e.gift.name}
            {e.quantity > 1 ? ` ×${e.quantity}` : ''}
          </span>
        </span>
      </span>
    </div>
  );
}
