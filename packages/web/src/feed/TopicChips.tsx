import type { Topic } from '@onair/protocol';
import { Link } from 'react-router';
import { TOPIC_OPTIONS } from '../lib/topics.ts';
import './feed.css';

/**
 * Category pages of For You: "All" and one chip per topic. Each is a URL (/?topic=music), so a
 * category survives a reload and can be shared.
 */
export function TopicChips({ current }: { current: Topic | undefined }) {
  const chips = [{ value: undefined, label: 'All' }, ...TOPIC_OPTIONS];
  return (
    <nav className="feed-topics" aria-label="Categories" data-testid="topic-chips">
      <ul className="feed-topics-row">
        {chips.map((chip) => (
          <li key={chip.value ?? 'all'}>
            <Link
              to={chip.value ? `/?topic=${chip.value}` : '/'}
              className={`feed-topic${chip.value === current ? ' is-active' : ''}`}
              aria-current={chip.value === current ? 'page' : undefined}
            >
              {chip.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The `topic` query parameter when it names a topic; anything else reads as "All". */
export function topicParam(value: string | null): Topic | undefined {
  return TOPIC_OPTIONS.find((t) => t.value === value)?.value;
}
