import { Link, useLocation, useSearchParams } from 'react-router';
import { useSession } from '../app/session.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { FeedHeader, type FeedTab } from '../components/FeedTabs.tsx';
import { FollowingIcon } from '../components/Icons.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { FeedList } from '../feed/FeedList.tsx';
import { TopicChips, topicParam } from '../feed/TopicChips.tsx';
import { UpcomingRow } from '../feed/UpcomingRow.tsx';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';
import { TrendingChips } from '../search/TrendingChips.tsx';

export function FeedPage() {
  const [params] = useSearchParams();
  const tab: FeedTab = params.get('tab') === 'following' ? 'following' : 'foryou';
  // Categories rank For You only; Following lists everyone you follow.
  const topic = tab === 'foryou' ? topicParam(params.get('topic')) : undefined;
  useDocumentTitle(tab === 'following' ? 'Following LIVE' : undefined);
  const { user, loading } = useSession();
  return (
    <div className="page page-wide">
      <FeedHeader current={tab} signedIn={user !== null} />
      {tab === 'foryou' ? <TopicChips current={topic} /> : null}
      {tab === 'foryou' ? <TrendingChips /> : null}
      {tab === 'foryou' && !loading ? <UpcomingRow key={user?.id ?? ''} /> : null}
      <section id="feed-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {loading ? (
          <PageLoading />
        ) : tab === 'following' && !user ? (
          <SignedOutFollowing />
        ) : (
          <FeedList key={`${tab}:${topic ?? ''}:${user?.id ?? ''}`} tab={tab} topic={topic} />
        )}
      </section>
    </div>
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
