import { Link } from 'react-router';
import { compactCount } from '../lib/format.ts';
import { EyeIcon } from './Icons.tsx';

/** What the feed needs to show one LIVE stream. */
export interface LiveCardData {
  id: string;
  title: string;
  creatorHandle: string;
  viewerCount: number;
  thumbnailUrl: string | null;
}

/** A 9:16 tile: thumbnail, LIVE badge, viewer count, title and creator. */
export function LiveCard({ stream }: { stream: LiveCardData }) {
  return (
    <Link to={`/@${stream.creatorHandle}`} className="live-card">
      {stream.thumbnailUrl ? (
        <img className="live-card-thumb" src={stream.thumbnailUrl} alt="" loading="lazy" />
      ) : (
        <span className="live-card-thumb live-card-thumb-empty" aria-hidden="true" />
      )}
      <span className="live-card-top">
        <span className="live-pill">LIVE</span>
        <span className="live-card-viewers">
          <EyeIcon size={14} />
          <span>
            {compactCount(stream.viewerCount)}
            <span className="visually-hidden"> watching</span>
          </span>
        </span>
      </span>
      <span className="live-card-bottom">
        <span className="live-card-title">{stream.title}</span>
        <span className="live-card-creator">@{stream.creatorHandle}</span>
      </span>
    </Link>
  );
}

/** The feed grid; two columns on phones, more as the screen widens. */
export function LiveGrid({ streams }: { streams: LiveCardData[] }) {
  return (
    <ul className="live-grid">
      {streams.map((s) => (
        <li key={s.id}>
          <LiveCard stream={s} />
        </li>
      ))}
    </ul>
  );
}
