/**
 * The coin and the diamond, drawn rather than emoji: they label every amount, and not every system
 * has an emoji font. Decorative (aria-hidden): the amounts next to them say "coins" or "diamonds".
 */
export function CoinGlyph({ size = 18, className = '' }: { size?: number; className?: string }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
      className={`coin-glyph ${className}`}
    >
      <circle cx="12" cy="12" r="11" fill="#f5b300" />
      <circle cx="12" cy="12" r="8.2" fill="#ffd84d" stroke="#e09a00" strokeWidth="1.4" />
      <path
        d="M14.6 9.2a3.3 3.3 0 1 0 0 5.6"
        fill="none"
        stroke="#c07a00"
        strokeWidth="2"
        strokeLinecap="round"
      />
    </svg>
  );
}

export function DiamondGlyph({ size = 18, className = '' }: { size?: number; className?: string }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
      className={`diamond-glyph ${className}`}
    >
      <path d="M6.5 3h11l4.5 6-10 12L2 9z" fill="#25f4ee" />
      <path d="M2 9h20M9 3l-2.5 6L12 21l5.5-12L15 3" fill="none" stroke="#0a9f9a" strokeWidth="1.2" />
      <path d="M6.5 3h11l4.5 6H2z" fill="#8ffbf7" opacity="0.6" />
    </svg>
  );
}
