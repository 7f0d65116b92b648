import { ASSET_NAMES, type AssetName, type StatementEntry } from '@onair/protocol';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../app/api.ts';
import { FormError } from '../components/FormMessage.tsx';
import { GiftIcon, RefreshIcon } from '../components/Icons.tsx';
import { errorMessage } from '../lib/errors.ts';
import { relativeTime } from '../lib/format.ts';
import { CoinGlyph, DiamondGlyph } from './MoneyIcons.tsx';
import { ASSET_LABELS, formatAsset } from './money.ts';

const PAGE = 20;

interface Page {
  entries: StatementEntry[];
  nextCursor: string | null;
}

/**
 * Your history in one asset, newest first, a page at a time. `version` bumps when something just
 * changed the balances (a purchase), so the list starts over from the top.
 */
export function StatementList({ currency, version }: { currency: string; version: number }) {
  const [asset, setAsset] = useState<AssetName>('COIN');
  const [page, setPage] = useState<Page | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (which: AssetName) => {
    setError(null);
    try {
      const s = await api.statement({ asset: which, limit: PAGE });
      setPage({ entries: s.entries, nextCursor: s.nextCursor });
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new version is the trigger to start over.
  useEffect(() => {
    setPage(null);
    void load(asset);
  }, [asset, load, version]);

  async function more() {
    if (!page?.nextCursor) return;
    setLoadingMore(true);
    try {
      const s = await api.statement({ asset, limit: PAGE, cursor: page.nextCursor });
      setPage({ entries: [...page.entries, ...s.entries], nextCursor: s.nextCursor });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="statement-title" data-testid="statement">
      <div className="wallet-section-head">
        <h2 id="statement-title" className="panel-title">
          History
        </h2>
        <button
          type="button"
          className="icon-btn"
          aria-label="Refresh history"
          onClick={() => void load(asset)}
        >
          <RefreshIcon size={18} />
        </button>
      </div>
      <fieldset className="segmented segmented-3" aria-label="Show">
        {ASSET_NAMES.map((a) => (
          <label key={a} className={`segmented-option${asset === a ? ' is-checked' : ''}`}>
            <input
              type="radio"
              name="statement-asset"
              value={a}
              checked={asset === a}
              onChange={() => setAsset(a)}
            />
            {ASSET_LABELS[a]}
          </label>
        ))}
      </fieldset>
      <FormError message={error} />
      {page === null && !error ? <p className="muted">Loading…</p> : null}
      {page && page.entries.length === 0 ? <EmptyHistory asset={asset} /> : null}
      {page && page.entries.length > 0 ? (
        <ul className="statement-list">
          {page.entries.map((e) => (
            <EntryRow key={`${e.transferId}:${e.asset}`} entry={e} currency={currency} />
          ))}
        </ul>
      ) : null}
      {page?.nextCursor ? (
        <button type="button" className="btn btn-secondary" onClick={more} disabled={loadingMore}>
          {loadingMore ? 'Loading…' : 'Show older'}
        </button>
      ) : null}
    </section>
  );
}

function EmptyHistory({ asset }: { asset: AssetName }) {
  return (
    <p className="statement-empty">
      {asset === 'COIN'
        ? 'No coin activity yet. Coins you buy and gifts you send show up here.'
        : asset === 'DIAMOND'
          ? 'No diamonds yet. When viewers send you gifts during your LIVE, they turn into diamonds here.'
          : 'No cash yet. Withdrawn diamonds show up here until they are paid out.'}
    </p>
  );
}

function EntryIcon({ entry }: { entry: StatementEntry }) {
  if (entry.kind === 'gift') return <GiftIcon size={18} />;
  if (entry.asset === 'DIAMOND') return <DiamondGlyph size={18} />;
  if (entry.asset === 'COIN') return <CoinGlyph size={18} />;
  return <span className="statement-cash">$</span>;
}

/** The memo with the other person as a link: "Rose ×17 to @ana". */
function Memo({ entry }: { entry: StatementEntry }) {
  const who = entry.counterparty;
  const at = who ? entry.memo.lastIndexOf(`@${who.handle}`) : -1;
  if (!who || at < 0) return <>{entry.memo}</>;
  return (
    <>
      {entry.memo.slice(0, at)}
      <Link to={`/@${who.handle}`} className="statement-who">
        @{who.handle}
      </Link>
      {entry.memo.slice(at + who.handle.length + 1)}
    </>
  );
}

function EntryRow({ entry, currency }: { entry: StatementEntry; currency: string }) {
  const credit = entry.amount > 0;
  const amount = formatAsset(Math.abs(entry.amount), entry.asset, currency);
  return (
    <li className="statement-row" data-testid="statement-entry" data-kind={entry.kind}>
      <span className={`statement-icon kind-${entry.kind}`}>
        <EntryIcon entry={entry} />
      </span>
      <span className="statement-main">
        <span className="statement-memo">
          <Memo entry={entry} />
        </span>
        <time
          className="statement-time"
          dateTime={entry.createdAt}
          title={new Date(entry.createdAt).toLocaleString()}
        >
          {relativeTime(entry.createdAt)}
        </time>
      </span>
      <span className="statement-amounts">
        <span className={`statement-amount${credit ? ' is-credit' : ''}`}>
          {credit ? '+' : '−'}
          {amount}
        </span>
        <span className="statement-after">
          Balance {formatAsset(entry.balanceAfter, entry.asset, currency)}
        </span>
      </span>
    </li>
  );
}
