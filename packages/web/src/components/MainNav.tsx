import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import { useSession } from '../app/session.tsx';
import { FollowingIcon, LiveIcon, PlusIcon, ProfileIcon, StudioIcon, WalletIcon } from './Icons.tsx';
import { Wordmark } from './Logo.tsx';

interface NavItem {
  to: string;
  label: string;
  icon: ReactNode;
  end?: boolean;
  primary?: boolean;
}

/**
 * The one main navigation: a left sidebar with the wordmark on wide screens, a bottom tab bar on
 * phones (CSS decides), so there is only ever one "Main" landmark.
 */
export function MainNav() {
  const { user } = useSession();
  const items: NavItem[] = [
    { to: '/', label: 'LIVE', icon: <LiveIcon />, end: true },
    { to: '/following', label: 'Following', icon: <FollowingIcon /> },
    { to: '/go-live', label: 'Go LIVE', icon: <PlusIcon />, primary: true },
    { to: '/wallet', label: 'Wallet', icon: <WalletIcon /> },
    { to: '/studio', label: 'Studio', icon: <StudioIcon /> },
    { to: user ? `/@${user.handle}` : '/login', label: 'Profile', icon: <ProfileIcon /> },
  ];
  return (
    <aside className="sidebar">
      <Wordmark className="sidebar-wordmark" />
      <nav aria-label="Main" className="main-nav">
        <ul>
          {items.map((item) => (
            <li key={item.label} className={item.primary ? 'nav-primary' : undefined}>
              <NavLink to={item.to} end={item.end} className="nav-link">
                <span className="nav-icon">{item.icon}</span>
                <span className="nav-label">{item.label}</span>
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <p className="sidebar-footer">
        Self-hosted LIVE streaming.
        <br />
        Powered by OnAir.
      </p>
    </aside>
  );
}
