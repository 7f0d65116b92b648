import type { FollowState } from '@onair/protocol';
import { OnAirError } from '@onair/sdk';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../app/api.ts';
import { useSession } from '../app/session.tsx';
import { errorMessage } from './errors.ts';
import { shareRefFor } from './shareRef.ts';

/** Follows, crediting the share link that brought this tab to the creator's LIVE (if one did). */
function followCrediting(handle: string): Promise<FollowState> {
  const ref = shareRefFor(handle);
  return ref ? api.followVia(handle, ref) : api.follow(handle);
}

/** Everything a page needs to show and change whether you follow one creator. */
export interface FollowController {
  handle: string;
  /** null until the first answer. */
  state: FollowState | null;
  signedIn: boolean;
  /** Your own account: there is nothing to follow. */
  self: boolean;
  busy: boolean;
  error: string | null;
  follow: () => Promise<void>;
  unfollow: () => Promise<void>;
  setAlerts: (notify: boolean) => Promise<void>;
  /** Follows if needed and turns LIVE alerts on. */
  turnOnAlerts: () => Promise<void>;
  reload: () => Promise<void>;
}

export function useFollow(handle: string, initialFollowerCount?: number): FollowController {
  const { user } = useSession();
  const signedIn = user !== null;
  const self = user?.handle === handle;
  const [state, setState] = useState<FollowState | null>(
    initialFollowerCount === undefined
      ? null
      : { following: false, notify: false, followerCount: initialFollowerCount },
  );
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      setState(await api.followState(handle));
      setLoaded(true);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [handle]);

  // Reload when the handle or the signed-in user changes (following is per user).
  // biome-ignore lint/correctness/useExhaustiveDependencies: user?.id is the trigger, not an input.
  useEffect(() => {
    setLoaded(false);
    void reload();
  }, [reload, user?.id]);

  const run = useCallback(
    async (action: () => Promise<FollowState>) => {
      setBusy(true);
      setError(null);
      try {
        setState(await action());
      } catch (err) {
        // "Follow first": our idea of the state was stale, so show the real one with the message.
        if (err instanceof OnAirError && err.code === 'social.not_following') void reload();
        setError(errorMessage(err));
      } finally {
        setBusy(false);
      }
    },
    [reload],
  );

  const follow = useCallback(() => run(() => followCrediting(handle)), [run, handle]);
  const unfollow = useCallback(() => run(() => api.unfollow(handle)), [run, handle]);
  const setAlerts = useCallback(
    (notify: boolean) => run(() => api.setLiveAlerts(handle, notify)),
    [run, handle],
  );
  const turnOnAlerts = useCallback(
    () =>
      run(async () => {
        const followed = state?.following ? state : await followCrediting(handle);
        return followed.notify ? followed : api.setLiveAlerts(handle, true);
      }),
    [run, handle, state],
  );

  return {
    handle,
    state: loaded || initialFollowerCount !== undefined ? state : null,
    signedIn,
    self,
    busy,
    error,
    follow,
    unfollow,
    setAlerts,
    turnOnAlerts,
    reload,
  };
}
