import { useState } from 'react';
import { avatarColor, initials } from '../lib/format.ts';

interface AvatarProps {
  user: { handle: string; displayName: string; avatarUrl: string | null };
  size?: number;
  className?: string;
}

/**
 * Pictures are http(s) only: the server accepts nothing else, and the profile editor previews
 * whatever is being typed (a `javascript:` URL there would only be refused by the page's CSP).
 */
const PICTURE_URL = /^https?:\/\//i;

/** The user's picture, or their initials on their own color when there is none (or it fails to load). */
export function Avatar({ user, size = 40, className = '' }: AvatarProps) {
  const [failedUrl, setFailedUrl] = useState<string | null>(null);
  const style = { width: size, height: size, fontSize: Math.round(size * 0.4) };
  if (user.avatarUrl && PICTURE_URL.test(user.avatarUrl) && failedUrl !== user.avatarUrl) {
    return (
      <img
        className={`avatar ${className}`}
        style={style}
        src={user.avatarUrl}
        alt=""
        referrerPolicy="no-referrer"
        onError={() => setFailedUrl(user.avatarUrl)}
      />
    );
  }
  return (
    <span
      className={`avatar avatar-initials ${className}`}
      style={{ ...style, background: avatarColor(user.handle) }}
      aria-hidden="true"
    >
      {initials(user.displayName || user.handle)}
    </span>
  );
}
