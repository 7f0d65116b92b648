import type { TagPage as TagPageData } from '@onair/protocol';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { api } from '../app/api.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { FormError } from '../components/FormMessage.tsx';
import { BroadcastIcon, SearchOffIcon } from '../components/Icons.tsx';
import { LiveGrid } from '../components/LiveCard.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { errorMessage } from '../lib/errors.ts';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';
import { useVisibleInterval } from '../lib/useVisibleInterval.ts';
import { CreatorRow, EventRow } from './ResultRows.tsx';

const REFRESH_MS = 30_000;

/** `/tag/:tag`: who is LIVE with the hashtag now, what is coming up, who uses it most. */
export function TagPage() {
  const { tag = '' } = useParams();
  const [page, setPage] = useState<TagPageData | null>(null);
  const [error, setError] = useState<{ message: string; invalid: boolean } | null>(null);
  useDocumentTitle(`#${page?.tag ?? tag}`);

  const load = () =>
    api
      .tag(tag)
      .then((p) => {
        setPage(p);
        setError(null);
      })
      .catch((err) =>
        setError({
          message: errorMessage(err),
          invalid: (err as { code?: string }).code === 'search.tag_invalid',
        }),
      );

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the tag changes.
  useEffect(() => {
    setPage(null);
    void load();
  }, [tag]);
  useVisibleInterval(() => void load(), REFRESH_MS);

  if (error?.invalid)
    return (
      <div className="page">
        <EmptyState level={1} icon={<SearchOffIcon size={44} />} title="Not a hashtag">
          <p>Hashtags are letters, digits and “_”, up to 30 characters.</p>
        </EmptyState>
      </div>
    );
  if (!page)
    return <div className="page">{error ? <FormError message={error.message} /> : <PageLoading />}</div>;
  const nothing = page.live.length === 0 && page.upcoming.length === 0 && page.topCreators.length === 0;
  return (
    <div className="page page-wide tag-page">
      <header className="page-header">
        <h1 className="page-title" data-testid="tag-title">
          #{page.tag}
        </h1>
      </header>
      {error ? <FormError message={error.message} /> : null}
      {nothing ? (
        <EmptyState icon={<BroadcastIcon size={44} />} title="Nobody has used this hashtag yet">
          <p>Add #{page.tag} to your LIVE title settings and be the first.</p>
        </EmptyState>
      ) : null}
      {page.live.length ? (
        <section className="search-group" aria-labelledby="tag-live">
          <h2 id="tag-live" className="section-title">
            LIVE now
          </h2>
          <LiveGrid cards={page.live} label={`LIVE now with #${page.tag}`} />
        </section>
      ) : null}
      {page.upcoming.length ? (
        <section className="search-group" aria-labelledby="tag-upcoming">
          <h2 id="tag-upcoming" className="section-title">
            Upcoming
          </h2>
          <ul className="result-list">
            {page.upcoming.map((e) => (
              <EventRow key={e.id} event={e} />
            ))}
          </ul>
        </section>
      ) : null}
      {page.topCreators.length ? (
        <section className="search-group" aria-labelledby="tag-creators">
          <h2 id="tag-creators" className="section-title">
            Top creators
          </h2>
          <ul className="result-list">
            {page.topCreators.map((c) => (
              <CreatorRow key={c.id} creator={c} />
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
