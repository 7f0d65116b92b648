import { Link } from 'react-router';

/** A hashtag as a link to its page. */
export function HashtagLink({ tag, className = 'hashtag' }: { tag: string; className?: string }) {
  return (
    <Link to={`/tag/${encodeURIComponent(tag)}`} className={className} data-testid="hashtag-link">
      #{tag}
    </Link>
  );
}

/** A row of hashtag links (a room card's, a watch page's). */
export function HashtagLinks({ tags, className = 'hashtag-row' }: { tags: string[]; className?: string }) {
  if (tags.length === 0) return null;
  return (
    <span className={className}>
      {tags.map((tag) => (
        <HashtagLink key={tag} tag={tag} />
      ))}
    </span>
  );
}
