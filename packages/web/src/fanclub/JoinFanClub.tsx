import type { FanClubInfo } from '@onair/protocol';
import { useCallback, useEffect, useState } from 'react';
import { useSession } from '../app/session.tsx';
import { fanClubApi } from './fanclubApi.ts';
import './fanclub.css';

/**
 * "Join fan club" in the room: sends the 1-coin club gift. The membership shows once the server has
 * committed the gift, so the button asks again after the gift's receipt rather than assuming.
 */
export function JoinFanClub({
  handle,
  creatorId,
  compact = false,
  onJoined,
}: {
  handle: string;
  creatorId: string;
  /** On the phone's creator chip over the video: the short form. */
  compact?: boolean;
  /** Joining also follows: the page refreshes its follow button. */
  onJoined?: () => void;
}) {
  const session = useSession();
  const me = session.user?.id ?? null;
  const [club, setClub] = useState<FanClubInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => fanClubApi.info(handle).then(setClub, () => undefined), [handle]);
  useEffect(() => {
    void load();
  }, [load]);
  if (!club || !me || me === creatorId) return null;
  if (club.me)
    return (
      <span
        className={`fan-join is-member${compact ? ' is-compact' : ''}`}
        data-testid="fan-member"
        title={`${club.badgeName} fan club`}
      >
        ♥ {compact ? '' : `${club.badgeName} · `}Lv {club.me.level}
      </span>
    );
  async function join() {
    setBusy(true);
    setError(null);
    try {
      await fanClubApi.join(handle);
      for (let i = 0; i < 20; i++) {
        const next = await fanClubApi.info(handle);
        setClub(next);
        if (next.me) {
          onJoined?.();
          break;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not join');
    } finally {
      setBusy(false);
    }
  }
  return (
    <span className="fan-join-wrap">
      <button
        type="button"
        className={`fan-join${compact ? ' is-compact' : ''}`}
        onClick={join}
        disabled={busy}
        data-testid="join-fan-club"
        title="Join the fan club with a 1-coin Heart Me gift"
      >
        ♥ {compact ? 'Join' : 'Join fan club · 1 coin'}
      </button>
      {error ? (
        <span className="fan-join-error" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}
