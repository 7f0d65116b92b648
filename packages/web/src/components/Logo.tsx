import { Link } from 'react-router';

/** The mark: a ring with a "recording" dot, offset in cyan and pink. */
export function LogoMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false">
      <circle cx="30" cy="33" r="17" fill="none" stroke="#25f4ee" strokeWidth="8" />
      <circle cx="34" cy="31" r="17" fill="none" stroke="#fe2c55" strokeWidth="8" />
      <circle cx="32" cy="32" r="17" fill="none" stroke="#fff" strokeWidth="8" />
      <circle cx="32" cy="32" r="6" fill="#fe2c55" />
    </svg>
  );
}

/** Mark + "OnAir" wordmark, linking home. */
export function Wordmark({ className = '' }: { className?: string }) {
  return (
    <Link to="/" className={`wordmark ${className}`} aria-label="OnAir home">
      <LogoMark />
      <span className="wordmark-text" aria-hidden="true">
        OnAir
      </span>
    </Link>
  );
}
