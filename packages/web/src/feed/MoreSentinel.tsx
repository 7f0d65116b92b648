import { useEffect, useRef, useState } from 'react';

/** How far below the screen the next page starts loading, so scrolling rarely waits for it. */
const AHEAD = '600px 0px';

/**
 * The end of a list that grows as you scroll: the next page loads when this comes near the screen,
 * and a "More" button does the same where IntersectionObserver is missing or after a failure.
 */
export function MoreSentinel({
  hasMore,
  loading,
  error,
  onMore,
}: {
  hasMore: boolean;
  loading: boolean;
  error: string | null;
  onMore: () => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [near, setNear] = useState(false);

  useEffect(() => {
    const el = box.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => setNear(entries.some((e) => e.isIntersecting)), {
      rootMargin: AHEAD,
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Still near the end after a page arrived (a short page, a tall screen): keep going. After a
  // failure it waits for the button rather than retrying in a loop.
  useEffect(() => {
    if (near && hasMore && !loading && !error) onMore();
  }, [near, hasMore, loading, error, onMore]);

  return (
    <div ref={box} className="feed-more" data-testid="feed-more">
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {hasMore ? (
        <button type="button" className="btn btn-secondary" onClick={onMore} disabled={loading}>
          {loading ? 'Loading…' : error ? 'Try again' : 'More LIVE'}
        </button>
      ) : null}
    </div>
  );
}
