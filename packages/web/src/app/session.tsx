import type { Me } from '@onair/protocol';
import { OnAirError } from '@onair/sdk';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api } from './api.ts';

export interface Session {
  /** The signed-in user, or null when signed out. */
  user: Me | null;
  /** True until the first `me()` answers; pages that need a user wait for it. */
  loading: boolean;
  setUser: (user: Me | null) => void;
  /** Reloads the user from the server (after a change made elsewhere). */
  refresh: () => Promise<void>;
  /** Ends the session on the server (best effort) and forgets the user here. */
  logout: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

async function loadMe(): Promise<Me | null> {
  try {
    // Signed out is an answer (`user: null`), not a 401: a first visit logs no failed request.
    return await api.session();
  } catch (err) {
    // The server down (or a protocol mismatch) also leaves us signed out, loudly.
    console.warn('Could not load the session', err);
    return null;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    let live = true;
    loadMe().then((me) => {
      if (!live) return;
      setUser(me);
      setLoading(false);
    });
    return () => {
      live = false;
    };
  }, []);

  const refresh = useCallback(async () => {
    setUser(await loadMe());
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } catch (err) {
      // An already-expired session is still a successful log-out from the user's point of view.
      if (!(err instanceof OnAirError && err.status === 401)) throw err;
    } finally {
      setUser(null);
    }
  }, []);

  const value = useMemo<Session>(
    () => ({ user, loading, setUser, refresh, logout }),
    [user, loading, refresh, logout],
  );
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() outside <SessionProvider>');
  return session;
}
