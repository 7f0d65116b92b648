/**
 * Exploration: a ranking built on signals only ever shows rooms that already have them. A fixed
 * share of every feed page goes to small creators instead, spread through the page rather than
 * parked at the bottom, and picked in a per-viewer order so different viewers discover different
 * newcomers while one viewer's page stays the same on reload.
 */

/** Pages this long always get at least one exploration slot when exploration is on. */
const MIN_PAGE_FOR_SLOT = 5;

/**
 * The 0-based slots of a page that hold exploration picks: round(pageSize * share) of them (at
 * least 1 when share > 0 and pageSize >= 5), each in the middle of an equal stretch of the page,
 * e.g. 20 at 0.1 -> [4, 14].
 */
export function explorationSlots(pageSize: number, share: number): number[] {
  const size = Number.isFinite(pageSize) && pageSize > 0 ? Math.floor(pageSize) : 0;
  const s = Number.isFinite(share) ? Math.min(Math.max(share, 0), 1) : 0;
  let count = Math.round(size * s);
  if (count === 0 && s > 0 && size >= MIN_PAGE_FOR_SLOT) count = 1;
  const slots: number[] = [];
  // Slot i sits at floor((i + 0.5) * size / count - 0.5), in integers so no rounding can collide.
  for (let i = 0; i < count; i++) slots.push(Math.floor(((2 * i + 1) * size - count) / (2 * count)));
  return slots;
}

/**
 * One feed page: the exploration slots from `explorers` (in order), every other slot from `ranked`
 * (in order), skipping anything already on the page; when one list runs out the other fills in.
 * Items are the same when `key` gives the same string (by identity without one).
 */
export function blendPage<T>(
  ranked: readonly T[],
  explorers: readonly T[],
  pageSize: number,
  share: number,
  key?: (t: T) => string,
): T[] {
  const slots = new Set(explorationSlots(pageSize, share));
  const size = Number.isFinite(pageSize) && pageSize > 0 ? Math.floor(pageSize) : 0;
  const page: T[] = [];
  const placed = new Set<unknown>();
  const id = key ?? ((t: T) => t);
  const cursor = { ranked: 0, explorers: 0 };
  // Takes the next item of a list not yet on the page, or reports that the list is used up.
  const take = (which: 'ranked' | 'explorers'): boolean => {
    const list = which === 'ranked' ? ranked : explorers;
    let i = cursor[which];
    while (i < list.length && placed.has(id(list[i]!))) i++;
    cursor[which] = i < list.length ? i + 1 : i;
    if (i >= list.length) return false;
    placed.add(id(list[i]!));
    page.push(list[i]!);
    return true;
  };
  while (page.length < size) {
    const [first, second] = slots.has(page.length)
      ? (['explorers', 'ranked'] as const)
      : (['ranked', 'explorers'] as const);
    if (!take(first) && !take(second)) break;
  }
  return page;
}

/**
 * FNV-1a over the text, then murmur3's finaliser: FNV alone changes mostly the low bits for a change
 * near the end of the text, and the order below sorts on all of them.
 */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A shuffle that is a pure function of the items' keys and the seed (e.g. viewer id + page), so a
 * viewer sees the same newcomers on reload and another viewer sees others. Not for anything secret.
 */
export function seededOrder<T>(items: readonly T[], key: (t: T) => string, seed: string): T[] {
  return items
    .map((item) => {
      const k = key(item);
      return { item, k, h: hash32(`${seed}\u0000${k}`) };
    })
    .sort((a, b) => a.h - b.h || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map((x) => x.item);
}
