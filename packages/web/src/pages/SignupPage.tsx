import { HANDLE_PATTERN } from '@onair/protocol';
import { type FormEvent, useState } from 'react';
import { Link, Navigate, useNavigate } from 'react-router';
import { api } from '../app/api.ts';
import { useSession } from '../app/session.tsx';
import { TextField } from '../components/Field.tsx';
import { FormError } from '../components/FormMessage.tsx';
import { LogoMark } from '../components/Logo.tsx';
import { errorMessage } from '../lib/errors.ts';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';

const MIN_PASSWORD = 8;

/** Hints only: the server decides, and its message is what the user sees on failure. */
function handleLooksOk(h: string): boolean {
  const v = h.trim().toLowerCase();
  return v.length >= 2 && v.length <= 24 && HANDLE_PATTERN.test(v) && !v.includes('..');
}

export function SignupPage() {
  useDocumentTitle('Sign up');
  const { user, setUser } = useSession();
  const navigate = useNavigate();
  const [handle, setHandle] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (user && !busy) return <Navigate to="/" replace />;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const name = displayName.trim();
      const me = await api.signup({
        handle: handle.trim().toLowerCase(),
        password,
        ...(name ? { displayName: name } : {}),
      });
      setUser(me);
      navigate('/', { replace: true });
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  const handleHintBad = handle.length > 0 && !handleLooksOk(handle);
  const passwordHintBad = password.length > 0 && password.length < MIN_PASSWORD;

  return (
    <div className="page auth-page">
      <div className="auth-card">
        <div className="auth-mark">
          <LogoMark size={48} />
        </div>
        <h1 className="auth-title">Sign up for OnAir</h1>
        <p className="auth-lead">Pick a handle: it's how people find you and your LIVE.</p>
        <form className="form" onSubmit={onSubmit} noValidate>
          <TextField
            label="Handle"
            name="handle"
            autoComplete="username"
            autoCapitalize="none"
            autoCorrect="off"
            spellCheck={false}
            value={handle}
            onChange={(e) => setHandle(e.target.value)}
            hint={
              <span className={handleHintBad ? 'hint-warn' : undefined}>
                2–24 characters: lowercase letters, digits, “_” and “.”
              </span>
            }
          />
          <TextField
            label="Display name"
            name="displayName"
            optional
            autoComplete="nickname"
            maxLength={50}
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            hint="Shown on your profile; defaults to your handle."
          />
          <TextField
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            hint={<span className={passwordHintBad ? 'hint-warn' : undefined}>At least 8 characters.</span>}
          />
          <FormError message={error} />
          <button type="submit" className="btn btn-primary btn-block btn-lg" disabled={busy}>
            Sign up
          </button>
        </form>
        <p className="auth-switch">
          Already have an account? <Link to="/login">Log in</Link>
        </p>
      </div>
    </div>
  );
}
