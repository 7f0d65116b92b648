import type { TrendingTag } from '@onair/protocol';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../app/api.ts';
import { compactCount } from '../lib/format.ts';
import { useVisibleInterval } from '../lib/useVisibleInterval.ts';
import { HashtagLink } from './Hashtags.tsx';

const REFRESH_MS = 60_000;

/** The hashtags with the most engagement in LIVE rooms this past hour; nothing while none has any. */
export function TrendingChips() {
  const [tags, setTags] = useState<TrendingTag[]>([]);
  const load = useCallback(() => {
    api
      .trendingTags(8)
      .then((r) => setTags(r.tags))
      .catch(() => {});
  }, []);
  useEffect(load, [load]);
  useVisibleInterval(load, REFRESH_MS);
  if (tags.length === 0) return null;
  return (
    <nav className="trending" aria-label="Trending hashtags" data-testid="trending-tags">
      <ul className="tag-chip-row">
        {tags.map((t) => (
          <li key={t.tag}>
            <HashtagLink tag={t.tag} className="tag-chip" />
            <span className="visually-hidden">, {compactCount(t.engagement)} interactions this hour</span>
          </li>
        ))}
      </ul>
    </nav>
  );
}
