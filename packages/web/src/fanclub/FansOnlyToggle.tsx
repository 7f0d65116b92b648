import { Ok } from '@onair/protocol';
import { useEffect, useState } from 'react';
import { api } from '../app/api.ts';
import { fanClubApi } from './fanclubApi.ts';

/**
 * Fans-only chat in the host's chat settings. While LIVE it goes through the room (the viewers are
 * told at once); offline it is the club's setting for the next LIVE.
 */
export function FansOnlyToggle({ sessionId }: { sessionId: string | null }) {
  const [on, setOn] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    fanClubApi.settings().then(
      (s) => setOn(s.fansOnly),
      () => undefined,
    );
  }, []);
  if (on === null) return null;

  async function toggle() {
    const next = !on;
    setError(null);
    try {
      if (sessionId)
        await api.request('PUT', `/sessions/${encodeURIComponent(sessionId)}/fans-only`, Ok, {
          fansOnly: next,
        });
      else await fanClubApi.update({ fansOnly: next });
      setOn(next);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not change it');
    }
  }

  return (
    <fieldset className="settings-group">
      <legend className="settings-legend">Fans-only chat</legend>
      <label className="fan-only-toggle">
        <input type="checkbox" checked={on} onChange={() => void toggle()} data-testid="fans-only-toggle" />{' '}
        Only fan club members can comment
      </label>
      {error ? (
        <p className="form-message form-error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
