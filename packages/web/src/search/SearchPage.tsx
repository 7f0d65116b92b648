import { SEARCH_TYPES, type SearchResults, type SearchType } from '@onair/protocol';
import { type ReactNode, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../app/api.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { FormError } from '../components/FormMessage.tsx';
import { SearchOffIcon } from '../components/Icons.tsx';
import { LiveGrid } from '../components/LiveCard.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { errorMessage } from '../lib/errors.ts';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';
import { HashtagLink } from './Hashtags.tsx';
import { CreatorRow, EventRow } from './ResultRows.tsx';

const LABELS: Record<SearchType, string> = {
  all: 'Top',
  creators: 'Creators',
  rooms: 'LIVE',
  hashtags: 'Hashtags',
  events: 'Upcoming',
};

type Group = 'creators' | 'rooms' | 'hashtags' | 'events';
const GROUPS: Group[] = ['creators', 'rooms', 'hashtags', 'events'];

/** `/search?q=&type=`: every group on "Top", one group with "Show more" on the others. */
export function SearchPage() {
  const [params] = useSearchParams();
  const q = (params.get('q') ?? '').trim();
  const typeParam = params.get('type') ?? 'all';
  const type: SearchType = (SEARCH_TYPES as readonly string[]).includes(typeParam)
    ? (typeParam as SearchType)
    : 'all';
  useDocumentTitle(q ? `“${q}”` : 'Search');
  const [results, setResults] = useState<SearchResults | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  useEffect(() => {
    setResults(null);
    setError(null);
    if (!q) return;
    let current = true;
    api
      .search(q, { type })
      .then((r) => current && setResults(r))
      .catch((err) => current && setError(errorMessage(err)));
    return () => {
      current = false;
    };
  }, [q, type]);

  const more = async (group: Group) => {
    const cursor = results?.[group]?.nextCursor;
    if (!results || !cursor) return;
    setLoadingMore(true);
    try {
      const next = await api.search(q, { type: group, cursor });
      setResults((prev) => {
        const a = prev?.[group];
        const b = next[group];
        if (!prev || !a || !b) return prev;
        return { ...prev, [group]: { items: [...a.items, ...b.items], nextCursor: b.nextCursor } };
      });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoadingMore(false);
    }
  };

  const tab = (t: SearchType) => `/search?q=${encodeURIComponent(q)}${t === 'all' ? '' : `&type=${t}`}`;
  const empty = results && GROUPS.every((g) => (results[g]?.items.length ?? 0) === 0);
  return (
    <div className="page page-wide search-page">
      <header className="page-header">
        <h1 className="page-title">{q ? <>Results for “{q}”</> : 'Search'}</h1>
      </header>
      {q ? (
        <nav className="search-tabs" aria-label="Result types">
          {SEARCH_TYPES.map((t) => (
            <Link
              key={t}
              to={tab(t)}
              className={`tag-chip${t === type ? ' is-active' : ''}`}
              aria-current={t === type ? 'page' : undefined}
            >
              {LABELS[t]}
            </Link>
          ))}
        </nav>
      ) : null}
      {error ? <FormError message={error} /> : null}
      {!q ? (
        <EmptyState icon={<SearchOffIcon size={44} />} title="Search OnAir">
          <p>Find creators, LIVE rooms, hashtags and upcoming LIVEs from the search box above.</p>
        </EmptyState>
      ) : !results ? (
        error ? null : (
          <PageLoading label="Searching…" />
        )
      ) : empty ? (
        <EmptyState icon={<SearchOffIcon size={44} />} title="No results">
          <p>Nothing matches “{q}”. Check the spelling, or try a shorter word or a #hashtag.</p>
        </EmptyState>
      ) : (
        GROUPS.map((g) => {
          const group = results[g];
          if (!group || group.items.length === 0) return null;
          const items: ReactNode =
            g === 'creators' ? (
              <ul className="result-list">
                {results.creators?.items.map((c) => (
                  <CreatorRow key={c.id} creator={c} />
                ))}
              </ul>
            ) : g === 'rooms' ? (
              <LiveGrid cards={results.rooms?.items ?? []} label="LIVE rooms found" />
            ) : g === 'hashtags' ? (
              <ul className="tag-chip-row">
                {results.hashtags?.items.map((h) => (
                  <li key={h.tag}>
                    <HashtagLink tag={h.tag} className="tag-chip" />
                  </li>
                ))}
              </ul>
            ) : (
              <ul className="result-list">
                {results.events?.items.map((e) => (
                  <EventRow key={e.id} event={e} />
                ))}
              </ul>
            );
          return (
            <section
              key={g}
              className="search-group"
              aria-labelledby={`search-${g}`}
              data-testid={`search-group-${g}`}
            >
              <div className="search-group-head">
                <h2 id={`search-${g}`} className="section-title">
                  {LABELS[g]}
                </h2>
                {type === 'all' ? (
                  <Link to={tab(g)} className="search-group-all">
                    See all
                  </Link>
                ) : null}
              </div>
              {items}
              {type !== 'all' && group.nextCursor ? (
                <button
                  type="button"
                  className="btn btn-secondary"
                  disabled={loadingMore}
                  onClick={() => void more(g)}
                >
                  {loadingMore ? 'Loading…' : 'Show more'}
                </button>
              ) : null}
            </section>
          );
        })
      )}
    </div>
  );
}
