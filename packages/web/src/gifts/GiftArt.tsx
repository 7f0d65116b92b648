import type { Gift } from '@onair/protocol';

type Tier = Gift['tier'];

let colorEmoji: boolean | undefined;

/**
 * Whether this system draws emoji in color. Without an emoji font (minimal Linux installs, some
 * kiosks) they come out as empty boxes, which would leave the gift grid a wall of squares.
 */
function hasColorEmoji(): boolean {
  if (colorEmoji !== undefined) return colorEmoji;
  colorEmoji = true;
  try {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 32;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return colorEmoji;
    ctx.fillStyle = '#000';
    ctx.textBaseline = 'top';
    ctx.font = '28px sans-serif';
    ctx.fillText('🌹', 0, 0);
    const data = ctx.getImageData(0, 0, 32, 32).data;
    let colored = false;
    for (let i = 0; i < data.length && !colored; i += 4)
      colored = (data[i + 3] ?? 0) > 0 && (data[i] ?? 0) + (data[i + 1] ?? 0) + (data[i + 2] ?? 0) > 60;
    colorEmoji = colored;
  } catch {
    // No canvas (or a locked-down one): assume emoji render, as they do almost everywhere.
  }
  return colorEmoji;
}

/** "Hat and Mustache" → "HM", "Rose" → "R": what stands in for an emoji that cannot be drawn. */
function monogram(name: string): string {
  const words = name.split(/\s+/).filter((w) => w.length > 0 && w[0] === w[0]?.toUpperCase());
  const letters = (words.length > 0 ? words : [name]).slice(0, 2).map((w) => Array.from(w)[0] ?? '');
  return letters.join('').toUpperCase();
}

/**
 * A gift's icon: the catalog gives an emoji or an image URL. Decorative: the gift's name is beside
 * it. Where emoji cannot be drawn, a badge in the tier's colors with the gift's initials stands in.
 */
export function GiftArt({
  icon,
  name,
  tier,
  size,
  className = '',
}: {
  icon: string;
  name: string;
  tier: Tier;
  size: number;
  className?: string;
}) {
  if (/^(https?:)?\/\//.test(icon) || icon.startsWith('/'))
    return (
      <img
        src={icon}
        alt=""
        width={size}
        height={size}
        className={`gift-art ${className}`}
        referrerPolicy="no-referrer"
        draggable={false}
      />
    );
  if (!hasColorEmoji())
    return (
      <span
        className={`gift-art gift-art-badge tier-${tier} ${className}`}
        style={{ width: size, height: size, fontSize: size * 0.38 }}
        aria-hidden="true"
      >
        {monogram(name)}
      </span>
    );
  return (
    <span
      className={`gift-art gift-art-emoji ${className}`}
      style={{ fontSize: size * 0.86 }}
      aria-hidden="true"
    >
      {icon}
    </span>
  );
}
