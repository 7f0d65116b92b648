import type { Gift } from '@onair/protocol';
import { OnAirError } from '@onair/sdk';
import { useEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { useRealtimeHub } from '../app/realtime.tsx';
import { useSession } from '../app/session.tsx';
import { FormError } from '../components/FormMessage.tsx';
import { GiftIcon } from '../components/Icons.tsx';
import { Sheet } from '../components/Sheet.tsx';
import { errorMessage } from '../lib/errors.ts';
import { newIdempotencyKey } from '../lib/idempotency.ts';
import { useRoomUi } from '../room/RoomContext.tsx';
import { CoinGlyph } from '../wallet/MoneyIcons.tsx';
import { formatCount } from '../wallet/money.ts';
import { useWallet } from '../wallet/useWallet.ts';
import { giftCatalog } from './catalog.ts';
import { GiftArt } from './GiftArt.tsx';

const QUANTITIES = [1, 5, 10, 99] as const;
/**
 * Taps of the same small gift this close together belong to one combo (the server's streak window
 * is 3 s from the last send; staying under it keeps the combo from splitting on a slow answer).
 */
const COMBO_WINDOW_MS = 2800;

interface Combo {
  id: string;
  until: number;
  count: number;
}

/**
 * The gift button in the room's action row; not on your own LIVE (you can't gift yourself), and not
 * before the session has answered: until then a host would look like a viewer.
 */
export function GiftButton() {
  const { room, info } = useRoomUi();
  const { loading } = useSession();
  const [open, setOpen] = useState(false);
  if (loading || room.isHost) return null;
  return (
    <div className="action-item">
      <button
        type="button"
        className="action-btn gift-btn"
        aria-label="Send a gift"
        aria-haspopup="dialog"
        disabled={room.state.ended}
        onClick={() => setOpen(true)}
        data-testid="gift-button"
      >
        <GiftIcon size={24} />
      </button>
      {open ? (
        <Sheet title="Send a gift" onClose={() => setOpen(false)} testId="gift-drawer" className="gift-sheet">
          {room.me ? (
            <GiftDrawer handle={info.creator.handle} name={info.creator.displayName} />
          ) : (
            <SignInPrompt name={info.creator.displayName} />
          )}
        </Sheet>
      ) : null}
    </div>
  );
}

function SignInPrompt({ name }: { name: string }) {
  const location = useLocation();
  return (
    <div className="gift-signin" data-testid="gift-signin">
      <GiftIcon size={40} />
      <p>Log in to send {name} a gift. Gifts are bought with coins and show up in the room for everyone.</p>
      <div className="gift-signin-actions">
        <Link to="/login" state={{ from: location }} className="btn btn-primary">
          Log in
        </Link>
        <Link to="/signup" state={{ from: location }} className="btn btn-secondary">
          Sign up
        </Link>
      </div>
    </div>
  );
}

type DrawerError = { code: string; message: string };

function GiftDrawer({ handle, name }: { handle: string; name: string }) {
  const { wallet, reload, setCoins } = useWallet(true);
  const realtime = useRealtimeHub();
  const [gifts, setGifts] = useState<Gift[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [quantity, setQuantity] = useState<number>(1);
  const [error, setError] = useState<DrawerError | null>(null);
  const [combo, setCombo] = useState<{ giftId: string; count: number; tick: number } | null>(null);
  const [sending, setSending] = useState(0);
  const combos = useRef(new Map<string, Combo>());
  const coins = useRef<number | null>(null);
  coins.current = wallet?.coins ?? null;

  useEffect(() => {
    let live = true;
    giftCatalog()
      .then((list) => {
        if (!live) return;
        setGifts(list);
        setSelected((s) => s ?? list[0]?.id ?? null);
      })
      .catch((err: unknown) => live && setLoadError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, []);

  // The combo badge goes once its window has passed without another tap.
  useEffect(() => {
    if (!combo) return;
    const timer = setTimeout(() => setCombo((c) => (c?.tick === combo.tick ? null : c)), COMBO_WINDOW_MS);
    return () => clearTimeout(timer);
  }, [combo]);

  const gift = gifts?.find((g) => g.id === selected) ?? null;
  const cost = gift ? gift.coins * quantity : 0;

  function send() {
    if (!gift) return;
    const balance = coins.current;
    if (balance !== null && cost > balance) {
      setError({
        code: 'gift.insufficient_coins',
        message: `${gift.name}${quantity > 1 ? ` ×${quantity}` : ''} costs ${formatCount(cost)} coins and you have ${formatCount(balance)}.`,
      });
      return;
    }
    setError(null);
    // Taps within the window share a combo id, so the room stacks them into one streak.
    const now = Date.now();
    let comboId: string | undefined;
    if (gift.streakable) {
      const prev = combos.current.get(gift.id);
      const c: Combo =
        prev && now < prev.until
          ? { ...prev, until: now + COMBO_WINDOW_MS, count: prev.count + quantity }
          : { id: newIdempotencyKey(), until: now + COMBO_WINDOW_MS, count: quantity };
      combos.current.set(gift.id, c);
      comboId = c.id;
      setCombo({ giftId: gift.id, count: c.count, tick: now });
    }
    if (balance !== null) {
      // Taps can outrun re-renders: the next one must already see this one's coins gone.
      coins.current = balance - cost;
      setCoins(balance - cost);
    }
    setSending((n) => n + 1);
    const giftId = gift.id;
    window.navigator.vibrate?.(10);
    realtime
      .sendGift(handle, {
        giftId,
        quantity,
        idempotencyKey: newIdempotencyKey(),
        ...(comboId ? { comboId } : {}),
      })
      .then((receipt) => {
        // Answers may come back out of order; the lowest balance reported is the latest.
        const known = coins.current;
        setCoins(known === null ? receipt.balance.coins : Math.min(known, receipt.balance.coins));
      })
      .catch((err: unknown) => {
        combos.current.delete(giftId);
        setCombo(null);
        setError({ code: err instanceof OnAirError ? err.code : 'error', message: errorMessage(err) });
        void reload();
      })
      .finally(() => setSending((n) => n - 1));
  }

  return (
    <div className="gift-drawer">
      {loadError ? <FormError message={loadError} /> : null}
      {gifts === null && !loadError ? <p className="muted">Loading gifts…</p> : null}
      {gifts ? (
        <ul className="gift-grid" aria-label="Gifts">
          {gifts.map((g) => (
            <li key={g.id}>
              <button
                type="button"
                className={`gift-option tier-${g.tier}${g.id === selected ? ' is-selected' : ''}`}
                aria-pressed={g.id === selected}
                onClick={() => {
                  setSelected(g.id);
                  setError(null);
                }}
                data-testid="gift-option"
                data-gift={g.id}
              >
                <GiftArt icon={g.icon} name={g.name} tier={g.tier} size={40} />
                <span className="gift-option-name">{g.name}</span>
                <span className="gift-option-price">
                  <CoinGlyph size={12} />
                  {formatCount(g.coins)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="gift-sendbar">
        {error ? <DrawerErrorBox error={error} /> : null}
        <div className="gift-sendbar-top">
          <p className="gift-balance" data-testid="gift-balance" data-coins={wallet?.coins ?? ''}>
            <CoinGlyph size={18} />
            <strong>{wallet ? formatCount(wallet.coins) : '—'}</strong>
            <span className="visually-hidden">coins</span>
            <Link to="/wallet" className="gift-recharge">
              Buy coins
            </Link>
          </p>
          <fieldset className="gift-qty" aria-label="How many">
            {QUANTITIES.map((q) => (
              <label key={q} className={`gift-qty-option${quantity === q ? ' is-checked' : ''}`}>
                <input
                  type="radio"
                  name="gift-quantity"
                  value={q}
                  checked={quantity === q}
                  onChange={() => setQuantity(q)}
                />
                ×{q}
              </label>
            ))}
          </fieldset>
        </div>
        <button
          type="button"
          className="btn btn-primary btn-lg btn-block gift-send"
          onClick={send}
          disabled={!gift}
          data-testid="gift-send"
          data-sending={sending}
          aria-label={
            gift
              ? `Send ${gift.name}${quantity > 1 ? ` ×${quantity}` : ''} to ${name} for ${formatCount(cost)} coins`
              : 'Send'
          }
        >
          {gift ? (
            <>
              <span>
                Send{combo && combo.giftId === gift.id ? ' again' : ''} · {formatCount(cost)}
              </span>
              <CoinGlyph size={16} />
            </>
          ) : (
            'Send'
          )}
          {combo && combo.giftId === gift?.id ? (
            <span key={combo.tick} className="gift-send-combo" data-testid="gift-send-combo">
              x{combo.count}
            </span>
          ) : null}
        </button>
      </div>
    </div>
  );
}

function DrawerErrorBox({ error }: { error: DrawerError }) {
  return (
    <div
      className="form-message form-error gift-error"
      role="alert"
      data-testid="gift-error"
      data-code={error.code}
    >
      <span>{error.message}</span>
      {error.code === 'gift.insufficient_coins' ? (
        <Link to="/wallet" className="btn btn-primary btn-sm" data-testid="gift-buy-coins">
          Buy coins
        </Link>
      ) : null}
    </div>
  );
}
