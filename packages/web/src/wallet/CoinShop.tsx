import { type CoinPackage, type CoinPackageList, type Purchase, SANDBOX_DECLINE_CARD } from '@onair/protocol';
import { OnAirError } from '@onair/sdk';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api } from '../app/api.ts';
import { TextField } from '../components/Field.tsx';
import { FormError } from '../components/FormMessage.tsx';
import { Sheet } from '../components/Sheet.tsx';
import { errorMessage } from '../lib/errors.ts';
import { newIdempotencyKey } from '../lib/idempotency.ts';
import { CoinGlyph } from './MoneyIcons.tsx';
import { formatCents, formatCount } from './money.ts';

/** Stripe's always-approved test card; the sandbox accepts any number except the decline card. */
const SANDBOX_OK_CARD = '4242 4242 4242 4242';

const DECLINE_DISPLAY = SANDBOX_DECLINE_CARD.replace(/(\d{4})(?=\d)/g, '$1 ');

/** Why a payment failed, in words (the provider's reason codes are for logs). */
export function failureText(reason: string | null): string {
  switch (reason) {
    case 'card_declined':
      return 'Your card was declined. No coins were added and nothing was charged.';
    case 'checkout_expired':
      return 'The checkout expired before it was paid. No coins were added.';
    case 'provider_error':
      return 'The payment provider could not start this payment. Try again in a moment.';
    default:
      return 'The payment did not go through. No coins were added.';
  }
}

/**
 * The coin packages for sale, as a grid; choosing one opens the checkout. With the sandbox the
 * payment is confirmed right here (a test card decides the outcome); with Stripe the buyer is sent
 * to Stripe Checkout and comes back to /wallet.
 */
export function CoinShop({ onBought }: { onBought: (purchase: Purchase) => void }) {
  const [list, setList] = useState<CoinPackageList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<CoinPackage | null>(null);

  useEffect(() => {
    let live = true;
    api
      .coinPackages()
      .then((l) => live && setList(l))
      .catch((err: unknown) => live && setError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, []);

  return (
    <section className="panel" aria-labelledby="buy-coins-title" data-testid="coin-shop">
      <div className="wallet-section-head">
        <h2 id="buy-coins-title" className="panel-title">
          Buy coins
        </h2>
        {list?.provider === 'sandbox' ? (
          <span className="sandbox-badge" title="Payments are simulated: no money moves">
            Sandbox
          </span>
        ) : null}
      </div>
      <FormError message={error} />
      {list === null && !error ? <div className="coin-grid-skeleton" aria-hidden="true" /> : null}
      {list && list.packages.length === 0 ? (
        <p className="muted">No coin packages are on sale on this server right now.</p>
      ) : null}
      {list && list.packages.length > 0 ? (
        <ul className="coin-grid">
          {list.packages.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                className="coin-pack"
                onClick={() => setChosen(p)}
                data-testid="coin-package"
                data-package={p.id}
                aria-label={`${formatCount(p.coins)} coins for ${formatCents(p.priceCents, p.currency)}`}
              >
                <span className="coin-pack-amount">
                  <CoinGlyph size={20} />
                  {formatCount(p.coins)}
                </span>
                <span className="coin-pack-price">{formatCents(p.priceCents, p.currency)}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {chosen && list ? (
        <CheckoutSheet
          pkg={chosen}
          provider={list.provider}
          onClose={() => setChosen(null)}
          onBought={(purchase) => {
            setChosen(null);
            onBought(purchase);
          }}
        />
      ) : null}
    </section>
  );
}

function CheckoutSheet({
  pkg,
  provider,
  onClose,
  onBought,
}: {
  pkg: CoinPackage;
  provider: CoinPackageList['provider'];
  onClose: () => void;
  onBought: (purchase: Purchase) => void;
}) {
  const [card, setCard] = useState(SANDBOX_OK_CARD);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // One key per attempt: a retry after a lost answer reuses it (never charged twice); a definite
  // outcome (paid, declined, refused) ends the attempt, so trying again is a new purchase.
  const attempt = useRef<{ key: string; purchase: Purchase | null }>({
    key: newIdempotencyKey(),
    purchase: null,
  });
  const sandbox = provider === 'sandbox';
  const price = formatCents(pkg.priceCents, pkg.currency);

  async function pay(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const a = attempt.current;
    try {
      a.purchase ??= await api.buyCoins(pkg.id, a.key);
      if (a.purchase.checkoutUrl) {
        window.location.assign(a.purchase.checkoutUrl);
        return;
      }
      const digits = card.replace(/\D/g, '');
      const done = await api.confirmPurchase(a.purchase.id, sandbox && digits ? { card: digits } : {});
      attempt.current = { key: newIdempotencyKey(), purchase: null };
      if (done.status === 'succeeded') onBought(done);
      else setError(failureText(done.failureReason));
    } catch (err) {
      if (!(err instanceof OnAirError && err.code === 'network'))
        attempt.current = { key: newIdempotencyKey(), purchase: null };
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Sheet title="Buy coins" onClose={onClose} testId="checkout-sheet">
      <form className="form" onSubmit={pay}>
        <div className="checkout-summary">
          <CoinGlyph size={40} />
          <div>
            <p className="checkout-coins">{formatCount(pkg.coins)} coins</p>
            <p className="muted">{price}</p>
          </div>
        </div>
        {sandbox ? (
          <>
            <p className="sandbox-note">
              This server uses the <strong>sandbox</strong> payment provider: no money moves and any card
              number works.
            </p>
            <TextField
              label="Card number"
              inputMode="numeric"
              autoComplete="off"
              value={card}
              onChange={(e) => setCard(e.target.value)}
              hint={`Test card ${DECLINE_DISPLAY} is declined.`}
            />
          </>
        ) : (
          <p className="muted">You'll pay on Stripe's secure checkout page, then come back here.</p>
        )}
        <FormError message={error} />
        <button
          type="submit"
          className="btn btn-primary btn-lg btn-block"
          disabled={busy}
          data-testid="pay-button"
        >
          {busy ? 'Paying…' : `Pay ${price}`}
        </button>
      </form>
    </Sheet>
  );
}
