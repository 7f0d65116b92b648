import type { Battle, BattleSide, Room } from '@onair/protocol';
import { useEffect, useState } from 'react';
import { api } from '../app/api.ts';
import { FollowButton } from '../components/FollowButton.tsx';
import { FormError } from '../components/FormMessage.tsx';
import { errorMessage } from '../lib/errors.ts';
import { useFollow } from '../lib/useFollow.ts';
import { LivePlayer } from '../player/LivePlayer.tsx';
import { clock, useBattle, useNow } from './useBattle.ts';
import './battle.css';

const sideOf = (battle: Battle, sessionId: string) =>
  Math.max(
    0,
    battle.sides.findIndex((s) => s.members.some((m) => m.sessionId === sessionId)),
  );
const creatorOf = (side: BattleSide | undefined) => side?.members[0];
const shown = (battle: Battle | null): battle is Battle =>
  battle !== null &&
  (battle.status === 'connecting' ||
    battle.status === 'active' ||
    battle.status === 'result' ||
    (battle.status === 'ended' && (battle.reason === 'finished' || battle.reason === 'forfeit')));

/**
 * A LIVE room's battle: the opponent's stream beside this one, the score bar, the timer, boosters
 * and the result; for the room's own creator, the battle controls too.
 */
export function BattleLayer({ sessionId, self }: { sessionId: string; self: boolean }) {
  const { battle, skew, reload } = useBattle(sessionId);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const visible = shown(battle) && !(battle.status === 'ended' && dismissed === battle.id);
  return (
    <>
      {visible ? (
        <BattleStage
          battle={battle}
          mine={sideOf(battle, sessionId)}
          skew={skew}
          onClose={() => setDismissed(battle.id)}
        />
      ) : null}
      {self ? <BattleControls battle={battle} sessionId={sessionId} onChange={reload} /> : null}
    </>
  );
}

function BattleStage({
  battle,
  mine,
  skew,
  onClose,
}: {
  battle: Battle;
  mine: number;
  skew: number;
  onClose: () => void;
}) {
  const theirs = mine === 0 ? 1 : 0;
  const running = battle.status === 'connecting' || battle.status === 'active' || battle.status === 'result';
  const now = useNow(running) + skew;
  const opponent = creatorOf(battle.sides[theirs]);
  const left = battle.sides[mine]!;
  const right = battle.sides[theirs]!;
  const total = (left.score ?? 0) + (right.score ?? 0);
  const leftShare =
    left.score === null || right.score === null || total === 0 ? 50 : Math.round((left.score / total) * 100);
  const deadline =
    battle.status === 'connecting'
      ? battle.startsAt
      : battle.status === 'active'
        ? battle.endsAt
        : battle.status === 'result'
          ? battle.resultEndsAt
          : null;
  const timer = deadline ? clock(Date.parse(deadline) - now) : null;
  const live = battle.boosts.filter((b) => Date.parse(b.from) <= now && now < Date.parse(b.until));
  const decided = battle.status === 'result' || battle.status === 'ended';

  return (
    <div
      className={`battle-layer${decided ? ' battle-decided' : ''}`}
      data-testid="battle-layer"
      data-status={battle.status}
      data-battle={battle.id}
    >
      {opponent?.sessionId && battle.status !== 'ended' ? <OpponentVideo handle={opponent.handle} /> : null}
      <div className="battle-hud">
        <div
          className="battle-bar"
          role="img"
          aria-label={`Score ${left.score ?? '?'} to ${right.score ?? '?'}`}
        >
          <div className="battle-bar-left" style={{ width: `${leftShare}%` }}>
            <span data-testid="battle-score-mine">{left.score ?? '?'}</span>
          </div>
          <div className="battle-bar-right">
            <span data-testid="battle-score-theirs">{right.score ?? '?'}</span>
          </div>
        </div>
        <div className="battle-meta">
          <span className="battle-timer" data-testid="battle-timer">
            {battle.status === 'connecting'
              ? `Starting ${timer}`
              : battle.status === 'result'
                ? `Result ${timer}`
                : timer}
          </span>
          {live.map((b) => (
            <span
              key={`${b.kind}-${b.side}-${b.from}`}
              className={`battle-boost battle-boost-${b.kind}${b.side === mine ? ' battle-boost-mine' : ''}`}
              data-testid={`battle-boost-${b.kind}`}
            >
              {b.kind === 'multiplier'
                ? `x${b.factor} ${b.side === mine ? 'us' : 'them'}`
                : b.kind === 'mist'
                  ? b.side === mine
                    ? 'Mist on them'
                    : 'Mist: score hidden'
                  : b.kind === 'speed'
                    ? `Speed round x${b.factor}`
                    : '+10 s'}
            </span>
          ))}
          {battle.extensions > 0 ? (
            <span className="battle-boost battle-boost-extension">+{battle.extensions * 10} s</span>
          ) : null}
        </div>
        {opponent ? (
          <div className="battle-opponent-chip">
            <span>vs @{opponent.handle}</span>
            {right.winStreak > 1 ? (
              <span className="battle-streak">{right.winStreak} wins in a row</span>
            ) : null}
            <OpponentFollow handle={opponent.handle} />
          </div>
        ) : null}
      </div>
      {decided ? <BattleResult battle={battle} mine={mine} onClose={onClose} /> : null}
    </div>
  );
}

function OpponentFollow({ handle }: { handle: string }) {
  const follow = useFollow(handle);
  if (!follow.signedIn || follow.self) return null;
  return <FollowButton controller={follow} compact />;
}

/** The other creator's stream, beside this room's (its own player, muted like any autoplay). */
function OpponentVideo({ handle }: { handle: string }) {
  const [room, setRoom] = useState<Room | null>(null);
  useEffect(() => {
    let stale = false;
    api
      .room(handle)
      .then((r) => {
        if (!stale) setRoom(r);
      })
      .catch(() => undefined);
    return () => {
      stale = true;
    };
  }, [handle]);
  const session = room?.state === 'live' ? room.session : null;
  return (
    <div className="battle-opponent" data-testid="battle-opponent">
      {session ? (
        <LivePlayer
          key={session.id}
          flvUrl={session.flvUrl}
          hlsUrl={session.hlsUrl}
          label={`LIVE video from @${handle}`}
        />
      ) : (
        <div className="battle-opponent-empty">@{handle}</div>
      )}
    </div>
  );
}

function BattleResult({ battle, mine, onClose }: { battle: Battle; mine: number; onClose: () => void }) {
  const winner = battle.winner === null ? null : creatorOf(battle.sides[battle.winner]);
  return (
    <div className="battle-result" data-testid="battle-result">
      <p className="battle-result-title" data-testid="battle-winner">
        {winner ? `@${winner.handle} wins${battle.reason === 'forfeit' ? ' (forfeit)' : ''}` : 'Draw'}
        {battle.winner === mine ? ' 🏆' : ''}
      </p>
      <div className="battle-mvps">
        {battle.sides.map((side, i) => (
          <div key={creatorOf(side)?.id ?? i} className="battle-mvp-side">
            <p className="battle-mvp-title">
              @{creatorOf(side)?.handle} · {side.score ?? '?'}
              {side.winStreak > 0 && battle.winner === i ? ` · ${side.winStreak} win streak` : ''}
            </p>
            <ol>
              {side.mvps.map((m) => (
                <li key={m.user.id}>
                  {m.user.displayName} <span className="battle-mvp-points">{m.points}</span>
                </li>
              ))}
            </ol>
          </div>
        ))}
      </div>
      {battle.status === 'ended' ? (
        <button type="button" className="btn btn-secondary btn-sm" onClick={onClose}>
          Close
        </button>
      ) : null}
    </div>
  );
}

/** The room's own creator: invite, quick match, answer an invite, leave, rematch. */
function BattleControls({
  battle,
  sessionId,
  onChange,
}: {
  battle: Battle | null;
  sessionId: string;
  onChange: () => void;
}) {
  const [handle, setHandle] = useState('');
  const [friendsOnly, setFriendsOnly] = useState(false);
  const [waiting, setWaiting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Folded while idle: the panel would otherwise sit over the host's own video and gift combos.
  const [expanded, setExpanded] = useState(false);
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      onChange();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const mine = battle ? sideOf(battle, sessionId) : 0;
  const openBattle = battle && battle.status !== 'ended' ? battle : null;
  useEffect(() => {
    if (openBattle) setWaiting(false);
  }, [openBattle]);

  let body: React.ReactNode;
  if (openBattle?.status === 'invited') {
    const other = creatorOf(openBattle.sides[mine === 0 ? 1 : 0]);
    body =
      mine === 1 ? (
        <>
          <p>@{other?.handle} invites you to a battle</p>
          <Action primary busy={busy} onClick={() => run(() => api.acceptBattle(openBattle.id))}>
            Accept
          </Action>
          <Action busy={busy} onClick={() => run(() => api.declineBattle(openBattle.id))}>
            Decline
          </Action>
        </>
      ) : (
        <>
          <p>Waiting for @{other?.handle} to accept…</p>
          <Action busy={busy} onClick={() => run(() => api.leaveBattle(openBattle.id))}>
            Cancel invite
          </Action>
        </>
      );
  } else if (openBattle) {
    body = (
      <>
        {openBattle.status === 'result' ? (
          <Action primary busy={busy} onClick={() => run(() => api.rematch(openBattle.id))}>
            Rematch
          </Action>
        ) : null}
        <Action busy={busy} onClick={() => run(() => api.leaveBattle(openBattle.id))}>
          {openBattle.status === 'result' ? 'Close battle' : 'Leave (forfeit)'}
        </Action>
      </>
    );
  } else {
    body = (
      <>
        <form
          className="battle-invite"
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => api.inviteToBattle({ handle: handle.trim().replace(/^@/, '') }));
          }}
        >
          <input
            className="input"
            placeholder="@creator"
            aria-label="Creator to invite"
            value={handle}
            onChange={(e) => setHandle(e.target.value)}
            data-testid="battle-invite-handle"
          />
          <button
            type="submit"
            className="btn btn-primary btn-sm"
            disabled={busy || handle.trim().length < 2}
          >
            Invite
          </button>
        </form>
        {waiting ? (
          <>
            <p>Looking for an opponent…</p>
            <Action
              busy={busy}
              onClick={() =>
                run(async () => {
                  await api.leaveMatchQueue();
                  setWaiting(false);
                })
              }
            >
              Stop looking
            </Action>
          </>
        ) : (
          <div className="battle-match">
            <Action
              busy={busy}
              onClick={() =>
                run(async () => {
                  const r = await api.quickMatch({ friendsOnly });
                  setWaiting(r.status === 'waiting');
                })
              }
            >
              Quick match
            </Action>
            <label className="battle-friends">
              <input
                type="checkbox"
                checked={friendsOnly}
                onChange={(e) => setFriendsOnly(e.target.checked)}
              />{' '}
              Friends only
            </label>
          </div>
        )}
        {battle &&
        battle.status === 'ended' &&
        (battle.reason === 'finished' || battle.reason === 'forfeit') ? (
          <Action busy={busy} onClick={() => run(() => api.rematch(battle.id))}>
            Rematch
          </Action>
        ) : null}
      </>
    );
  }
  const idle = !openBattle && !waiting;
  if (idle && !expanded)
    return (
      <button
        type="button"
        className="btn btn-secondary btn-sm battle-toggle"
        data-testid="battle-open"
        onClick={() => setExpanded(true)}
      >
        Battle
      </button>
    );
  return (
    <div className="battle-controls" data-testid="battle-controls">
      <div className="battle-controls-head">
        <p className="battle-controls-title">Battle</p>
        {idle ? (
          <button
            type="button"
            className="battle-controls-close"
            aria-label="Close battle controls"
            onClick={() => setExpanded(false)}
          >
            ×
          </button>
        ) : null}
      </div>
      {body}
      {error ? <FormError message={error} /> : null}
    </div>
  );
}

/** One of the battle panel's buttons: all of them wait for the action under way. */
function Action({
  primary,
  busy,
  onClick,
  children,
}: {
  primary?: boolean;
  busy: boolean;
  onClick: () => void;
  children: React.ReactNode;
}) {
  return (
    <button
      type="button"
      className={`btn ${primary ? 'btn-primary' : 'btn-secondary'} btn-sm`}
      disabled={busy}
      onClick={onClick}
    >
      {children}
    </button>
  );
}
