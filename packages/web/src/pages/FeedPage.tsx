import { Link } from 'react-router';
import { EmptyState } from '../components/EmptyState.tsx';
import { FeedHeader } from '../components/FeedTabs.tsx';
import { BroadcastIcon } from '../components/Icons.tsx';
import { type LiveCardData, LiveGrid } from '../components/LiveCard.tsx';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';

// Streams arrive with the ingest feature; until then the feed is honestly empty.
const NO_STREAMS: LiveCardData[] = [];

export function FeedPage() {
  useDocumentTitle();
  const streams = NO_STREAMS;
  return (
    <div className="page page-wide">
      <FeedHeader current="for-you" />
      <section id="feed-panel" role="tabpanel" aria-labelledby="tab-for-you">
        {streams.length > 0 ? (
          <LiveGrid streams={streams} />
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
      </section>
    </div>
  );
}
