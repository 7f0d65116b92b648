import { REACTIONS, type Reaction } from '@onair/protocol';
import { type CSSProperties, useEffect, useId, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { useSession } from '../app/session.tsx';
import { HeartIcon, SmileIcon } from '../components/Icons.tsx';
import { useRoomUi } from './RoomContext.tsx';
import type { Burst } from './useLiveRoom.ts';

/** Labels for the six reactions; the emoji is decoration (some systems have no emoji font). */
export const REACTION_META: Record<Reaction, { emoji: string; label: string }> = {
  laugh: { emoji: '😂', label: 'Laugh' },
  wow: { emoji: '😮', label: 'Wow' },
  love: { emoji: '😍', label: 'Love' },
  clap: { emoji: '👏', label: 'Clap' },
  fire: { emoji: '🔥', label: 'Fire' },
  sad: { emoji: '😢', label: 'Sad' },
};

/** At most this many floating things in the DOM at once; the oldest make way. */
export const MAX_FLOATERS = 30;
/** One flush of the room's hearts spawns at most this many; a big number shows as "+N" instead. */
const PER_BURST = 8;
const BIG_BURST = 10;
const HEART_COLORS = ['#fe2c55', '#ff5c8a', '#ff8fab', '#25f4ee', '#a78bfa', '#ffd166'];

interface Floater {
  id: number;
  kind: Burst['kind'];
  mine: boolean;
  style: CSSProperties;
}

let floaterSeq = 0;

function makeFloater(burst: Burst, i: number): Floater {
  const dx = Math.round(Math.random() * 56 - 28);
  const rot = Math.round(Math.random() * 40 - 20);
  const color = burst.mine ? '#fe2c55' : HEART_COLORS[Math.floor(Math.random() * HEART_COLORS.length)];
  return {
    id: ++floaterSeq,
    kind: burst.kind,
    mine: burst.mine,
    style: {
      '--dx': `${dx}px`,
      '--rot': `${rot}deg`,
      '--float-color': color,
      animationDelay: `${burst.mine ? 0 : i * 110 + Math.round(Math.random() * 60)}ms`,
      animationDuration: `${2000 + Math.round(Math.random() * 700)}ms`,
    } as CSSProperties,
  };
}

/**
 * Hearts and reactions floating up over the video: yours as you tap, everyone else's as the room
 * reports them. Decorative (aria-hidden): the counts are not something to read out.
 */
export function FloatingLayer() {
  const { room } = useRoomUi();
  const [floaters, setFloaters] = useState<Floater[]>([]);
  const [bursts, setBursts] = useState<{ id: number; count: number }[]>([]);
  const subscribe = room.subscribeBursts;

  useEffect(
    () =>
      subscribe((burst) => {
        const n = burst.mine ? 1 : Math.min(burst.count, PER_BURST);
        const added = Array.from({ length: n }, (_, i) => makeFloater(burst, i));
        setFloaters((list) => [...list, ...added].slice(-MAX_FLOATERS));
        if (!burst.mine && burst.kind === 'heart' && burst.count >= BIG_BURST) {
          const id = ++floaterSeq;
          setBursts((list) => [...list, { id, count: burst.count }].slice(-3));
        }
      }),
    [subscribe],
  );

  const remove = (id: number) => setFloaters((list) => list.filter((f) => f.id !== id));

  return (
    <div
      className="float-layer"
      aria-hidden="true"
      data-testid="floating-hearts"
      data-count={floaters.length}
    >
      {floaters.map((f) => (
        <span
          key={f.id}
          className={`floater${f.kind === 'heart' ? ' floater-heart' : ' floater-reaction'}${f.mine ? ' is-mine' : ''}`}
          style={f.style}
          data-testid={f.kind === 'heart' ? 'floating-heart' : 'floating-reaction'}
          data-kind={f.kind}
          data-mine={f.mine ? 'true' : undefined}
          onAnimationEnd={() => remove(f.id)}
        >
          {f.kind === 'heart' ? <HeartIcon size={f.mine ? 34 : 28} /> : REACTION_META[f.kind].emoji}
        </span>
      ))}
      {bursts.map((b) => (
        <span
          key={b.id}
          className="heart-burst"
          data-testid="heart-burst"
          onAnimationEnd={() => setBursts((list) => list.filter((x) => x.id !== b.id))}
        >
          +{b.count}
        </span>
      ))}
    </div>
  );
}

/** Signed out: hearts and reactions need an account, so say where to get one. */
function LoginHint({ onDone }: { onDone: () => void }) {
  const location = useLocation();
  useEffect(() => {
    const timer = setTimeout(onDone, 4000);
    return () => clearTimeout(timer);
  }, [onDone]);
  return (
    <p className="action-hint" data-testid="heart-login-hint">
      <Link to="/login" state={{ from: location }}>
        Log in
      </Link>{' '}
      to send hearts
    </p>
  );
}

/** The big heart: every tap floats a heart here at once; taps go out in batches (heart(n) per 100 ms). */
export function HeartButton() {
  const { room } = useRoomUi();
  const { loading } = useSession();
  const [hint, setHint] = useState(false);
  const [pop, setPop] = useState(0);
  const hide = useRef(() => setHint(false)).current;
  const ended = room.state.ended;
  return (
    <div className="action-item">
      {hint ? <LoginHint onDone={hide} /> : null}
      <button
        type="button"
        className="action-btn heart-btn"
        aria-label="Send a heart"
        disabled={ended}
        onClick={() => {
          if (!room.me) {
            // Not before the session has answered: a signed-in viewer is not asked to log in.
            if (!loading) setHint(true);
            return;
          }
          room.tapHeart();
          setPop((n) => n + 1);
        }}
        data-testid="heart-button"
      >
        <HeartIcon key={pop} size={30} className={pop > 0 ? 'heart-pop' : undefined} />
      </button>
    </div>
  );
}

/** A small tray with the six reactions; each tap floats one up and tells the room. */
export function ReactionTray() {
  const { room } = useRoomUi();
  const { loading } = useSession();
  const [open, setOpen] = useState(false);
  const [hint, setHint] = useState(false);
  const hide = useRef(() => setHint(false)).current;
  const trayId = useId();
  const wrapRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!wrapRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer, true);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer, true);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="action-item reaction-wrap" ref={wrapRef}>
      {hint ? <LoginHint onDone={hide} /> : null}
      {open ? (
        <fieldset id={trayId} className="reaction-tray" aria-label="Reactions" data-testid="reaction-tray">
          {REACTIONS.map((r) => (
            <button
              key={r}
              type="button"
              className="reaction-btn"
              aria-label={REACTION_META[r].label}
              onClick={() => {
                if (!room.me) {
                  if (!loading) setHint(true);
                  return;
                }
                room.react(r);
              }}
              data-testid={`reaction-${r}`}
              data-reaction={r}
            >
              <span className="reaction-emoji" aria-hidden="true">
                {REACTION_META[r].emoji}
              </span>
              <span className="reaction-label" aria-hidden="true">
                {REACTION_META[r].label}
              </span>
            </button>
          ))}
        </fieldset>
      ) : null}
      <button
        type="button"
        className={`action-btn${open ? ' is-on' : ''}`}
        aria-label="Reactions"
        aria-expanded={open}
        aria-controls={open ? trayId : undefined}
        disabled={room.state.ended}
        onClick={() => setOpen((o) => !o)}
        data-testid="reactions-button"
      >
        <SmileIcon size={24} />
      </button>
    </div>
  );
}
