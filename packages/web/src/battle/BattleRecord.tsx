import type { BattleHistory } from '@onair/protocol';
import { useEffect, useState } from 'react';
import { api } from '../app/api.ts';
import { shortDate } from '../lib/format.ts';
import './battle.css';

/**
 * A creator's battle record on their profile: wins, losses, draws, streaks, recent battles, and the
 * head-to-head against the signed-in viewer when they have battled each other.
 */
export function BattleRecord({ handle, vs }: { handle: string; vs: string | null }) {
  const [history, setHistory] = useState<BattleHistory | null>(null);
  useEffect(() => {
    let stale = false;
    api
      .battleHistory(handle, { limit: 5, ...(vs ? { vs } : {}) })
      .then((h) => {
        if (!stale) setHistory(h);
      })
      .catch(() => undefined);
    return () => {
      stale = true;
    };
  }, [handle, vs]);
  // The head-to-head lists only battles against `vs`; the recent list wants them all.
  const [recent, setRecent] = useState<BattleHistory['battles']>([]);
  useEffect(() => {
    if (!vs) {
      setRecent(history?.battles ?? []);
      return;
    }
    let stale = false;
    api
      .battleHistory(handle, { limit: 5 })
      .then((h) => {
        if (!stale) setRecent(h.battles);
      })
      .catch(() => undefined);
    return () => {
      stale = true;
    };
  }, [handle, vs, history]);
  if (!history || history.record.battles === 0) return null;
  const { record, headToHead } = history;
  return (
    <section className="profile-battles" aria-labelledby="battles-title" data-testid="battle-record">
      <h2 id="battles-title" className="section-title">
        Battles
      </h2>
      <p className="battle-record-line">
        <strong>{record.wins}</strong> wins · <strong>{record.losses}</strong> losses ·{' '}
        <strong>{record.draws}</strong> draws
        {record.winStreak > 0 ? ` · ${record.winStreak} win streak` : ''}
        {record.bestStreak > 1 ? ` (best ${record.bestStreak})` : ''}
      </p>
      {headToHead && headToHead.wins + headToHead.losses + headToHead.draws > 0 ? (
        <p className="battle-record-line" data-testid="battle-h2h">
          Against you: {headToHead.wins}–{headToHead.losses}
          {headToHead.draws > 0 ? ` (${headToHead.draws} draws)` : ''}
        </p>
      ) : null}
      <ul className="battle-history">
        {recent.map((b) => (
          <li key={b.id}>
            <span className={`battle-history-result battle-history-${b.result}`}>{b.result}</span> vs @
            {b.opponent.handle} · {b.score}–{b.opponentScore}
            {b.reason === 'forfeit' ? ' (forfeit)' : ''} ·{' '}
            <span className="muted">{shortDate(b.endedAt)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
