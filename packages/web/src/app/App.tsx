import { Route, Routes } from 'react-router';
import { AppShell } from '../components/AppShell.tsx';
import { EventPage } from '../events/EventPage.tsx';
import { LeagueRoute } from '../leagues/LeaguePage.tsx';
import { NotificationSettingsPage } from '../notifications/NotificationSettingsPage.tsx';
import { EarningsPage } from '../pages/EarningsPage.tsx';
import { EditProfilePage } from '../pages/EditProfilePage.tsx';
import { FeedPage } from '../pages/FeedPage.tsx';
import { FollowingPage } from '../pages/FollowingPage.tsx';
import { GoLivePage } from '../pages/GoLivePage.tsx';
import { LoginPage } from '../pages/LoginPage.tsx';
import { NotFoundPage } from '../pages/NotFoundPage.tsx';
import { ProfileRoute } from '../pages/ProfilePage.tsx';
import { SignupPage } from '../pages/SignupPage.tsx';
import { StudioPage } from '../pages/StudioPage.tsx';
import { WalletPage } from '../pages/WalletPage.tsx';
import { WatchRoute } from '../pages/WatchPage.tsx';
import { SearchPage } from '../search/SearchPage.tsx';
import { TagPage } from '../search/TagPage.tsx';
import { RequireAuth } from './RequireAuth.tsx';

export function App() {
  return (
    <Routes>
      <Route element={<AppShell />}>
        <Route index element={<FeedPage />} />
        <Route path="following" element={<FollowingPage />} />
        <Route path="login" element={<LoginPage />} />
        <Route path="signup" element={<SignupPage />} />
        <Route path="search" element={<SearchPage />} />
        <Route path="tag/:tag" element={<TagPage />} />
        <Route path="events/:id" element={<EventPage />} />
        <Route
          path="go-live"
          element={
            <RequireAuth>
              <GoLivePage />
            </RequireAuth>
          }
        />
        <Route
          path="wallet"
          element={
            <RequireAuth>
              <WalletPage />
            </RequireAuth>
          }
        />
        <Route
          path="wallet/earnings"
          element={
            <RequireAuth>
              <EarningsPage />
            </RequireAuth>
          }
        />
        <Route
          path="studio/*"
          element={
            <RequireAuth>
              <StudioPage />
            </RequireAuth>
          }
        />
        <Route
          path="settings/profile"
          element={
            <RequireAuth>
              <EditProfilePage />
            </RequireAuth>
          }
        />
        <Route
          path="settings/notifications"
          element={
            <RequireAuth>
              <NotificationSettingsPage />
            </RequireAuth>
          }
        />
        {/* Profiles live at /@handle and LIVEs at /@handle/live; a dynamic segment must be a whole
            segment, so these routes check for the "@" themselves and show the not-found page otherwise. */}
        <Route path=":at" element={<ProfileRoute />} />
        <Route path=":at/live" element={<WatchRoute />} />
        <Route path=":at/league" element={<LeagueRoute />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
