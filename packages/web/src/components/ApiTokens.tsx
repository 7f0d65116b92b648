import type { ApiToken, CreatedToken } from '@onair/protocol';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api } from '../app/api.ts';
import { errorMessage } from '../lib/errors.ts';
import { shortDate } from '../lib/format.ts';
import { TextField } from './Field.tsx';
import { FormError } from './FormMessage.tsx';
import { CheckIcon, CopyIcon, KeyIcon } from './Icons.tsx';

/** Create, list and revoke API tokens (for bots and scripts using the SDK). */
export function ApiTokens() {
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      setTokens(await api.tokens());
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    reload();
  }, [reload]);

  async function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const token = await api.createToken(name.trim());
      setCreated(token);
      setName('');
      await reload();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function onRevoke(token: ApiToken) {
    setError(null);
    try {
      await api.revokeToken(token.id);
      if (created?.id === token.id) setCreated(null);
      await reload();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <section className="panel" aria-labelledby="tokens-title">
      <h2 id="tokens-title" className="panel-title">
        API tokens
      </h2>
      <p className="muted">
        Tokens let scripts and bots use the OnAir API as you. Treat them like passwords.
      </p>
      <form className="form token-form" onSubmit={onCreate} noValidate>
        <TextField
          label="Token name"
          name="tokenName"
          placeholder="e.g. chat bot"
          maxLength={60}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="btn btn-secondary" disabled={busy}>
          Create token
        </button>
      </form>
      {created ? <NewToken token={created} onDismiss={() => setCreated(null)} /> : null}
      <FormError message={error} />
      {tokens === null ? null : tokens.length === 0 ? (
        <p className="muted token-empty">No API tokens yet.</p>
      ) : (
        <ul className="token-list" aria-label="Your API tokens">
          {tokens.map((t) => (
            <li key={t.id} className="token-row">
              <span className="token-icon" aria-hidden="true">
                <KeyIcon size={18} />
              </span>
              <div className="token-info">
                <span className="token-name">{t.name}</span>
                <span className="token-dates">
                  Created {shortDate(t.createdAt)} ·{' '}
                  {t.lastUsedAt ? `last used ${shortDate(t.lastUsedAt)}` : 'never used'}
                </span>
              </div>
              <button
                type="button"
                className="btn btn-danger btn-sm"
                onClick={() => onRevoke(t)}
                aria-label={`Revoke ${t.name}`}
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function NewToken({ token, onDismiss }: { token: CreatedToken; onDismiss: () => void }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(token.token);
      setCopied(true);
    } catch {
      // Clipboard refused (insecure origin, permissions): the token stays visible to copy by hand.
      setCopied(false);
    }
  }
  return (
    <div className="new-token">
      <p className="new-token-title">Copy your new token “{token.name}” now. You won't see it again.</p>
      <div className="new-token-row">
        <code className="new-token-value" data-testid="new-token">
          {token.token}
        </code>
        <button type="button" className="btn btn-secondary btn-sm" onClick={copy}>
          {copied ? <CheckIcon size={16} /> : <CopyIcon size={16} />}
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <button type="button" className="btn-link" onClick={onDismiss}>
        Done
      </button>
    </div>
  );
}
