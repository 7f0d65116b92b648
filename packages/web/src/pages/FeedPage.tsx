import type { LiveCard } from '@onair/protocol';
import { useCallback, useEffect, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { api } from '../app/api.ts';
import { useNotificationFrames, useOnReconnect } from '../app/realtime.tsx';
import { useSession } from '../app/session.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { FeedHeader, type FeedTab } from '../components/FeedTabs.tsx';
import { FormError } from '../components/FormMessage.tsx';
import { BroadcastIcon, FollowingIcon } from '../components/Icons.tsx';
import { LiveGrid } from '../components/LiveCard.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { errorMessage } from '../lib/errors.ts';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';
import { useVisibleInterval } from '../lib/useVisibleInterval.ts';

const REFRESH_MS = 15_000;

export function FeedPage() {
  const [params] = useSearchParams();
  const tab: FeedTab = params.get('tab') === 'following' ? 'following' : 'foryou';
  useDocumentTitle(tab === 'following' ? 'Following LIVE' : undefined);
  const { user, loading } = useSession();
  return (
    <div className="page page-wide">
      <FeedHeader current={tab} signedIn={user !== null} />
      <section id="feed-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {loading ? (
          <PageLoading />
        ) : tab === 'following' && !user ? (
          <SignedOutFollowing />
        ) : (
          <Feed key={`${tab}:${user?.id ?? ''}`} tab={tab} />
        )}
      </section>
    </div>
  );
}

/** One tab's cards: refreshed every 15 s, when someone you follow goes LIVE, and after a reconnect. */
function Feed({ tab }: { tab: FeedTab }) {
  const [items, setItems] = useState<LiveCard[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const feed = await api.feed(tab);
      setItems(feed.items);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [tab]);

  useEffect(() => {
    void load();
  }, [load]);
  useVisibleInterval(() => void load(), REFRESH_MS);
  useNotificationFrames(() => void load());
  useOnReconnect(() => void load());

  if (items === null)
    return error ? <FormError message={error} /> : <PageLoading label="Loading LIVE streams…" />;
  return (
    <>
      {error ? <FormError message={error} /> : null}
      {items.length > 0 ? (
        <LiveGrid cards={items} label={tab === 'following' ? 'LIVE from people you follow' : 'LIVE now'} />
      ) : tab === 'following' ? (
        <EmptyState
          icon={<FollowingIcon size={44} />}
          title="Nobody you follow is LIVE"
          actions={
            <Link to="/" className="btn btn-secondary btn-lg">
              See who's LIVE
            </Link>
          }
        >
          <p>Creators you follow will show up here when they go LIVE.</p>
        </EmptyState>
      ) : (
        <EmptyState
          icon={<BroadcastIcon size={44} />}
          title="No one is LIVE right now"
          actions={
            <Link to="/go-live" className="btn btn-primary btn-lg">
              Go LIVE
            </Link>
          }
        >
          <p>When creators on this server go LIVE, their streams show up here. Why not be the first?</p>
        </EmptyState>
      )}
    </>
  );
}

function SignedOutFollowing() {
  const location = useLocation();
  return (
    <EmptyState
      icon={<FollowingIcon size={44} />}
      title="Log in to see who you follow"
      actions={
        <>
          <Link to="/login" state={{ from: location }} className="btn btn-primary btn-lg">
            Log in
          </Link>
          <Link to="/signup" className="btn btn-secondary btn-lg">
            Sign up
          </Link>
        </>
      }
    >
      <p>Follow creators and catch them the moment they go LIVE.</p>
    </EmptyState>
  );
}
