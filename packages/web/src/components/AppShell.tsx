import { Outlet } from 'react-router';
import { InstallBanner } from '../pwa/InstallBanner.tsx';
import { MainNav } from './MainNav.tsx';
import { Toaster } from './Toaster.tsx';
import { TopBar } from './TopBar.tsx';

/** Sidebar (or bottom tabs), top bar, and the page. */
export function AppShell() {
  return (
    <div className="shell">
      <a href="#content" className="skip-link">
        Skip to content
      </a>
      <MainNav />
      <div className="shell-main">
        <TopBar />
        <main id="content" className="content" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
      <Toaster />
      <InstallBanner />
    </div>
  );
}
