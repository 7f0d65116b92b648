import { EmptyState } from '../components/EmptyState.tsx';
import { GiftIcon } from '../components/Icons.tsx';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';

export function WalletPage() {
  useDocumentTitle('Wallet');
  return (
    <div className="page">
      <header className="page-header">
        <h1 className="page-title">Wallet</h1>
      </header>
      <EmptyState icon={<GiftIcon size={44} />} title="Coins and gifts are coming">
        <p>
          You'll buy coins here and send gifts to creators during their LIVE. Nothing is sold or charged yet.
        </p>
      </EmptyState>
    </div>
  );
}
