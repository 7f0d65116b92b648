import { Link, useLocation } from 'react-router';
import { useSession } from '../app/session.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { FeedHeader } from '../components/FeedTabs.tsx';
import { FollowingIcon } from '../components/Icons.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';

export function FollowingPage() {
  useDocumentTitle('Following');
  const { user, loading } = useSession();
  const location = useLocation();
  return (
    <div className="page page-wide">
      <FeedHeader current="following" />
      <section id="feed-panel" role="tabpanel" aria-labelledby="tab-following">
        {loading ? (
          <PageLoading />
        ) : user ? (
          <EmptyState icon={<FollowingIcon size={44} />} title="Nobody you follow is LIVE">
            <p>Creators you follow will show up here when they go LIVE.</p>
          </EmptyState>
        ) : (
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
        )}
      </section>
    </div>
  );
}
