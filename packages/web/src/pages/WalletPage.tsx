import type { Purchase } from '@onair/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../app/api.ts';
import { FormError, FormSuccess } from '../components/FormMessage.tsx';
import { errorMessage } from '../lib/errors.ts';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';
import { CoinShop, failureText } from '../wallet/CoinShop.tsx';
import { CoinGlyph, DiamondGlyph } from '../wallet/MoneyIcons.tsx';
import { formatCount } from '../wallet/money.ts';
import { StatementList } from '../wallet/StatementList.tsx';
import { useWallet } from '../wallet/useWallet.ts';

export function WalletPage() {
  useDocumentTitle('Wallet');
  const { wallet, error, reload } = useWallet();
  const [bought, setBought] = useState<string | null>(null);
  const [returnError, setReturnError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [params, setParams] = useSearchParams();

  const afterPurchase = useCallback(
    (p: Purchase) => {
      setReturnError(null);
      setBought(`${formatCount(p.coins)} coins added to your wallet.`);
      setVersion((v) => v + 1);
      void reload();
    },
    [reload],
  );

  // Back from a hosted checkout (Stripe): ask the provider where that payment stands.
  const returned = params.get('purchase');
  const cancelled = params.get('cancelled') === '1';
  const handled = useRef<string | null>(null);
  useEffect(() => {
    if (!returned || handled.current === returned) return;
    handled.current = returned;
    setParams({}, { replace: true });
    if (cancelled) {
      setReturnError('Checkout cancelled. No coins were added.');
      return;
    }
    api
      .confirmPurchase(returned)
      .then((p) => {
        if (p.status === 'succeeded') afterPurchase(p);
        else if (p.status === 'failed') setReturnError(failureText(p.failureReason));
        else setBought('Your payment is being confirmed; the coins arrive as soon as it clears.');
      })
      .catch((err: unknown) => setReturnError(errorMessage(err)));
  }, [returned, cancelled, setParams, afterPurchase]);

  return (
    <div className="page wallet-page">
      <header className="page-header">
        <h1 className="page-title">Wallet</h1>
        <Link to="/wallet/earnings" className="btn btn-secondary btn-sm" data-testid="earnings-link">
          <DiamondGlyph size={16} />
          Creator earnings
        </Link>
      </header>
      <div className="stack">
        <section className="balance-card" aria-label="Your balance" data-testid="wallet-balance">
          <p className="balance-label">Coins</p>
          <p className="balance-value" data-testid="coin-balance" data-coins={wallet?.coins ?? ''}>
            <CoinGlyph size={34} />
            {wallet ? formatCount(wallet.coins) : '—'}
          </p>
          <p className="balance-note">Send coins as gifts to creators during their LIVE.</p>
          {wallet && wallet.diamonds > 0 ? (
            <Link to="/wallet/earnings" className="balance-diamonds">
              <DiamondGlyph size={16} />
              {formatCount(wallet.diamonds)} diamonds earned
            </Link>
          ) : null}
        </section>
        <FormError message={error ?? returnError} />
        <FormSuccess message={bought} />
        <CoinShop onBought={afterPurchase} />
        {wallet ? <StatementList currency={wallet.currency} version={version} /> : null}
      </div>
    </div>
  );
}
