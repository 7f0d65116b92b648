import type { Earnings, Withdrawal, WithdrawalList } from '@onair/protocol';
import { OnAirError } from '@onair/sdk';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../app/api.ts';
import { TextField } from '../components/Field.tsx';
import { FormError, FormSuccess } from '../components/FormMessage.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { errorMessage } from '../lib/errors.ts';
import { relativeTime } from '../lib/format.ts';
import { newIdempotencyKey } from '../lib/idempotency.ts';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';
import { DiamondGlyph } from '../wallet/MoneyIcons.tsx';
import {
  bpsLabel,
  formatCents,
  formatCount,
  formatDiamondValue,
  previewWithdrawal,
} from '../wallet/money.ts';

const STATUS_LABELS: Record<Withdrawal['status'], string> = {
  pending: 'Pending review',
  approved: 'Approved',
  paid: 'Paid',
  failed: 'Payout failed',
  rejected: 'Rejected',
};

export function EarningsPage() {
  useDocumentTitle('Creator earnings');
  const [earnings, setEarnings] = useState<Earnings | null>(null);
  const [history, setHistory] = useState<WithdrawalList | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      const [e, w] = await Promise.all([api.earnings(), api.withdrawals({ limit: 20 })]);
      setEarnings(e);
      setHistory(w);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  async function more() {
    if (!history?.nextCursor) return;
    try {
      const next = await api.withdrawals({ limit: 20, cursor: history.nextCursor });
      setHistory({ items: [...history.items, ...next.items], nextCursor: next.nextCursor });
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <div className="page wallet-page">
      <header className="page-header">
        <div>
          <Link to="/wallet" className="link-subtle">
            ← Wallet
          </Link>
          <h1 className="page-title">Creator earnings</h1>
        </div>
      </header>
      {!earnings ? (
        error ? (
          <FormError message={error} />
        ) : (
          <PageLoading />
        )
      ) : (
        <div className="stack">
          <EarningsSummary earnings={earnings} />
          <WithdrawForm earnings={earnings} onDone={reload} />
          <section className="panel" aria-labelledby="withdrawals-title" data-testid="withdrawals">
            <h2 id="withdrawals-title" className="panel-title">
              Withdrawals
            </h2>
            {error ? <FormError message={error} /> : null}
            {history && history.items.length === 0 ? (
              <p className="statement-empty">No withdrawals yet.</p>
            ) : null}
            {history && history.items.length > 0 ? (
              <ul className="statement-list">
                {history.items.map((w) => (
                  <WithdrawalRow key={w.id} withdrawal={w} />
                ))}
              </ul>
            ) : null}
            {history?.nextCursor ? (
              <button type="button" className="btn btn-secondary" onClick={more}>
                Show older
              </button>
            ) : null}
          </section>
        </div>
      )}
    </div>
  );
}

function EarningsSummary({ earnings: e }: { earnings: Earnings }) {
  const creatorPct = bpsLabel(10_000 - e.rates.platformShareBps);
  return (
    <section
      className="balance-card balance-card-diamonds"
      aria-label="Your diamonds"
      data-testid="earnings-summary"
    >
      <p className="balance-label">Diamonds</p>
      <p className="balance-value" data-testid="diamond-balance" data-diamonds={e.diamonds}>
        <DiamondGlyph size={32} />
        {formatCount(e.diamonds)}
      </p>
      <p className="balance-note">
        Worth <strong data-testid="diamond-value">{formatCents(e.valueCents, e.currency)}</strong> at{' '}
        {formatDiamondValue(e.rates.diamondValueMillicents, e.currency)} per diamond.
      </p>
      <dl className="earnings-stats">
        <div>
          <dt>Pending</dt>
          <dd>
            {formatCents(e.pending.netCents, e.currency)}
            <span>
              {e.pending.count} {e.pending.count === 1 ? 'withdrawal' : 'withdrawals'}
            </span>
          </dd>
        </div>
        <div>
          <dt>Paid out</dt>
          <dd>{formatCents(e.paidCents, e.currency)}</dd>
        </div>
      </dl>
      <p className="fine-print">
        Gifts become diamonds: you keep {creatorPct} of each gift's coins. Go LIVE and your viewers can send
        gifts from the gift button in your room.
      </p>
    </section>
  );
}

function WithdrawForm({ earnings: e, onDone }: { earnings: Earnings; onDone: () => Promise<void> }) {
  const min = e.rates.withdrawalMinDiamonds;
  const [value, setValue] = useState(() => (e.diamonds >= min ? String(e.diamonds) : ''));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // Kept across a lost answer, so retrying the same amount cannot withdraw twice.
  const key = useRef({ key: newIdempotencyKey(), diamonds: 0 });
  const diamonds = Number(value);
  const preview = previewWithdrawal(diamonds, e);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setDone(null);
    if (key.current.diamonds !== diamonds) key.current = { key: newIdempotencyKey(), diamonds };
    setBusy(true);
    try {
      const w = await api.requestWithdrawal(diamonds, key.current.key);
      key.current = { key: newIdempotencyKey(), diamonds: 0 };
      setDone(
        `Requested: ${formatCount(w.diamonds)} diamonds → ${formatCents(w.netCents, w.currency)} after the ${formatCents(w.feeCents, w.currency)} fee. An admin reviews it before it is paid.`,
      );
      setValue('');
      await onDone();
    } catch (err) {
      if (!(err instanceof OnAirError && err.code === 'network'))
        key.current = { key: newIdempotencyKey(), diamonds: 0 };
      setError({ code: err instanceof OnAirError ? err.code : 'error', message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  const hint = preview.ok
    ? `You'll receive ${formatCents(preview.netCents, e.currency)} (${formatCents(preview.grossCents, e.currency)} less a ${formatCents(preview.feeCents, e.currency)} fee).`
    : preview.reason === 'below_minimum'
      ? `The minimum is ${formatCount(min)} diamonds.`
      : preview.reason === 'over_balance'
        ? `You have ${formatCount(e.diamonds)} diamonds.`
        : preview.reason === 'nothing_to_pay'
          ? 'That is not enough to pay anything after the fee.'
          : `Minimum ${formatCount(min)} diamonds · fee ${bpsLabel(e.rates.withdrawalFeeBps)}.`;

  return (
    <section className="panel" aria-labelledby="withdraw-title" data-testid="withdraw-form">
      <h2 id="withdraw-title" className="panel-title">
        Withdraw
      </h2>
      <ul className="withdraw-rules">
        <li>
          Minimum <strong data-testid="withdraw-minimum">{formatCount(min)} diamonds</strong> (
          {formatCents(Math.floor((min * e.rates.diamondValueMillicents) / 1000), e.currency)})
        </li>
        <li>
          Fee <strong data-testid="withdraw-fee">{bpsLabel(e.rates.withdrawalFeeBps)}</strong> of the value,
          rounded up to the cent
        </li>
      </ul>
      {e.diamonds < min ? (
        <p className="withdraw-short">
          You need {formatCount(min - e.diamonds)} more diamonds before you can withdraw.
        </p>
      ) : null}
      <form className="form" onSubmit={submit}>
        <TextField
          label="Diamonds to withdraw"
          type="number"
          inputMode="numeric"
          min={1}
          step={1}
          value={value}
          onChange={(ev) => setValue(ev.target.value)}
          hint={hint}
          placeholder={formatCount(min)}
        />
        {error ? (
          <p
            className="form-message form-error"
            role="alert"
            data-testid="withdraw-error"
            data-code={error.code}
          >
            {error.message}
          </p>
        ) : null}
        <FormSuccess message={done} />
        <button type="submit" className="btn btn-primary" disabled={busy || !value}>
          {busy ? 'Requesting…' : 'Request withdrawal'}
        </button>
      </form>
    </section>
  );
}

function WithdrawalRow({ withdrawal: w }: { withdrawal: Withdrawal }) {
  return (
    <li className="statement-row" data-testid="withdrawal" data-status={w.status}>
      <span className="statement-icon">
        <DiamondGlyph size={18} />
      </span>
      <span className="statement-main">
        <span className="statement-memo">
          {formatCount(w.diamonds)} diamonds
          <span className={`status-chip status-${w.status}`}>{STATUS_LABELS[w.status]}</span>
        </span>
        <time className="statement-time" dateTime={w.createdAt}>
          {relativeTime(w.createdAt)}
          {w.failureReason ? ` · ${w.failureReason}` : ''}
        </time>
      </span>
      <span className="statement-amounts">
        <span className="statement-amount">{formatCents(w.netCents, w.currency)}</span>
        <span className="statement-after">fee {formatCents(w.feeCents, w.currency)}</span>
      </span>
    </li>
  );
}
