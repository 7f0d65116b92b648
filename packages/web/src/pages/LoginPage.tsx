import { type FormEvent, useState } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { api } from '../app/api.ts';
import { useSession } from '../app/session.tsx';
import { TextField } from '../components/Field.tsx';
import { FormError } from '../components/FormMessage.tsx';
import { LogoMark } from '../components/Logo.tsx';
import { errorMessage } from '../lib/errors.ts';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';

/** Where to go after logging in: the page that sent us here, never back to the auth pages. */
function returnPath(state: unknown): string {
  const from = (state as { from?: { pathname?: string; search?: string } } | null)?.from;
  const path = from?.pathname;
  if (!path || path === '/login' || path === '/signup') return '/';
  return `${path}${from?.search ?? ''}`;
}

export function LoginPage() {
  useDocumentTitle('Log in');
  const { user, setUser } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [handle, setHandle] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const target = returnPath(location.state);

  if (user && !busy) return <Navigate to={target} replace />;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await api.login({ handle: handle.trim(), password });
      setUser(me);
      navigate(target, { replace: true });
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <div className="page auth-page">
      <div className="auth-card">
        <div className="auth-mark">
          <LogoMark size={48} />
        </div>
        <h1 className="auth-title">Log in to OnAir</h1>
        <p className="auth-lead">Watch LIVE, follow creators and go LIVE yourself.</p>
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
          />
          <TextField
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <FormError message={error} />
          <button type="submit" className="btn btn-primary btn-block btn-lg" disabled={busy}>
            Log in
          </button>
        </form>
        <p className="auth-switch">
          New to OnAir?{' '}
          <Link to="/signup" state={location.state}>
            Create an account
          </Link>
        </p>
      </div>
    </div>
  );
}
