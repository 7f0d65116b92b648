import { useLocation } from 'react-router';
import { CloseIcon } from '../components/Icons.tsx';
import { LogoMark } from '../components/Logo.tsx';
import { useInstallPrompt } from './install.ts';
import './pwa.css';

/**
 * "Install OnAir": a small card above the tab bar on phones, in the corner on wide screens. It
 * exists only where the browser said it can install the app, and goes for good once dismissed.
 * Never over a LIVE or the go-live page, where the bottom of the screen is the comment box.
 */
export function InstallBanner() {
  const { available, install, dismiss } = useInstallPrompt();
  const { pathname } = useLocation();
  if (!available || /\/live\/?$|^\/go-live/.test(pathname)) return null;
  return (
    <aside className="install-banner" aria-label="Install the app" data-testid="install-banner">
      <LogoMark size={32} />
      <p className="install-banner-text">
        <strong>Install OnAir</strong>
        <span>Open it from your home screen, like any app.</span>
      </p>
      <button
        type="button"
        className="btn btn-primary btn-sm"
        onClick={() => void install()}
        data-testid="install-button"
      >
        Install
      </button>
      <button
        type="button"
        className="icon-btn install-banner-close"
        aria-label="Not now"
        onClick={dismiss}
        data-testid="install-dismiss"
      >
        <CloseIcon size={18} />
      </button>
    </aside>
  );
}
