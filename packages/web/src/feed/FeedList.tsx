import type { Topic } from '@onair/protocol';
import { Link } from 'react-router';
import { useNotificationFrames, useOnReconnect } from '../app/realtime.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import type { FeedTab } from '../components/FeedTabs.tsx';
import { FormError } from '../components/FormMessage.tsx';
import { BroadcastIcon, FollowingIcon } from '../components/Icons.tsx';
import { LiveGrid } from '../components/LiveCard.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { topicLabel } from '../lib/topics.ts';
import { useVisibleInterval } from '../lib/useVisibleInterval.ts';
import { MoreSentinel } from './MoreSentinel.tsx';
import { useRankedFeed } from './useRankedFeed.ts';
import './feed.css';

const REFRESH_MS = 15_000;

/**
 * One tab's cards, page after page as the viewer scrolls. The first page is refreshed every 15 s,
 * when someone you follow goes LIVE and after a reconnect; later pages hold still (see feedPages).
 */
export function FeedList({ tab, topic }: { tab: FeedTab; topic?: Topic | undefined }) {
  const feed = useRankedFeed(tab, topic);
  useVisibleInterval(feed.refresh, REFRESH_MS);
  useNotificationFrames(feed.refresh);
  useOnReconnect(feed.refresh);

  if (feed.items === null)
    return feed.error ? <FormError message={feed.error} /> : <PageLoading label="Loading LIVE streams…" />;
  if (feed.items.length === 0) return <NobodyLive tab={tab} topic={topic} />;
  const label =
    tab === 'following'
      ? 'LIVE from people you follow'
      : topic
        ? `${topicLabel(topic)} LIVE now`
        : 'LIVE now, for you';
  return (
    <>
      {feed.error ? <FormError message={feed.error} /> : null}
      <LiveGrid cards={feed.items} label={label} />
      <MoreSentinel
        hasMore={feed.cursor !== null}
        loading={feed.loadingMore}
        error={feed.moreError}
        onMore={feed.loadMore}
      />
    </>
  );
}

function NobodyLive({ tab, topic }: { tab: FeedTab; topic: Topic | undefined }) {
  if (tab === 'following')
    return (
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
    );
  if (topic)
    return (
      <EmptyState
        icon={<BroadcastIcon size={44} />}
        title={`No one is LIVE in ${topicLabel(topic)} right now`}
        actions={
          <Link to="/" className="btn btn-secondary btn-lg">
            See all LIVE
          </Link>
        }
      >
        <p>Try another category, or check back soon.</p>
      </EmptyState>
    );
  return (
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
  );
}
