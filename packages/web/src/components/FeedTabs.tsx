import { Link } from 'react-router';

export type FeedTab = 'foryou' | 'following';

/**
 * "Following" / "For You" at the top of the LIVE feed (Following first when signed in). Each tab is
 * its own URL (/ and /?tab=following) so a tab survives a reload and can be shared.
 */
export function FeedTabs({ current, signedIn }: { current: FeedTab; signedIn: boolean }) {
  const forYou = { id: 'foryou', label: 'For You', to: '/' } as const;
  const following = { id: 'following', label: 'Following', to: '/?tab=following' } as const;
  const tabs = signedIn ? [following, forYou] : [forYou, following];
  return (
    <div className="feed-tabs" role="tablist" aria-label="LIVE feeds">
      {tabs.map((tab) => (
        <Link
          key={tab.id}
          to={tab.to}
          role="tab"
          id={`tab-${tab.id}`}
          aria-selected={current === tab.id}
          aria-controls={current === tab.id ? 'feed-panel' : undefined}
          className="feed-tab"
        >
          {tab.label}
        </Link>
      ))}
    </div>
  );
}

/** The page header of the LIVE feed. */
export function FeedHeader({ current, signedIn }: { current: FeedTab; signedIn: boolean }) {
  return (
    <header className="page-header feed-header">
      <h1 className="page-title">
        <span className="live-dot" aria-hidden="true" />
        LIVE
      </h1>
      <FeedTabs current={current} signedIn={signedIn} />
    </header>
  );
}
