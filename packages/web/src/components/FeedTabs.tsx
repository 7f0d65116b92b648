import { Link } from 'react-router';

/** "For You" / "Following" at the top of the LIVE feed; each tab is its own URL. */
export function FeedTabs({ current }: { current: 'for-you' | 'following' }) {
  const tabs = [
    { id: 'for-you', label: 'For You', to: '/' },
    { id: 'following', label: 'Following', to: '/following' },
  ] as const;
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

/** The page header every LIVE feed shares. */
export function FeedHeader({ current }: { current: 'for-you' | 'following' }) {
  return (
    <header className="page-header feed-header">
      <h1 className="page-title">
        <span className="live-dot" aria-hidden="true" />
        LIVE
      </h1>
      <FeedTabs current={current} />
    </header>
  );
}
