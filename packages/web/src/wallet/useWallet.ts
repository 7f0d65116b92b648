import type { Wallet } from '@onair/protocol';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../app/api.ts';
import { errorMessage } from '../lib/errors.ts';

export interface WalletState {
  wallet: Wallet | null;
  error: string | null;
  reload: () => Promise<void>;
  /** A balance the server just reported (a gift receipt), without another round trip. */
  setCoins: (coins: number) => void;
}

/** Your balances, loaded when `enabled` turns on (signed in, the drawer open) and on demand. */
export function useWallet(enabled = true): WalletState {
  const [wallet, setWallet] = useState<Wallet | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      setWallet(await api.wallet());
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    if (enabled) void reload();
  }, [enabled, reload]);

  const setCoins = useCallback((coins: number) => {
    setWallet((w) => (w ? { ...w, coins } : w));
  }, []);

  return { wallet, error, reload, setCoins };
}
