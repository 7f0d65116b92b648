/**
 * Share-link attribution. A LIVE opened from someone's share link (`/@ana/live?ref=CODE`) counts one
 * visit for that link, and a follow of @ana from this tab credits it too: the code is remembered per
 * creator for the tab's lifetime (sessionStorage), so it survives moving around the app.
 */

/** The shape the server accepts for a share code. */
const CODE = /^[A-Za-z0-9_-]{4,20}$/;

const refKey = (handle: string) => `onair.shareRef.${handle.toLowerCase()}`;
const visitKey = (code: string) => `onair.shareVisit.${code}`;

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // Storage disabled: attribution is best effort.
  }
}

export function isShareCode(code: string | null | undefined): code is string {
  return typeof code === 'string' && CODE.test(code);
}

/** The share code that brought this tab to `handle`'s LIVE, if any. */
export function shareRefFor(handle: string): string | null {
  const code = storage()?.getItem(refKey(handle)) ?? null;
  return isShareCode(code) ? code : null;
}

export function rememberShareRef(handle: string, code: string): void {
  storage()?.setItem(refKey(handle), code);
}

/** True the first time this tab sees `code` (so a visit is counted once, not on every reload). */
export function firstVisitThrough(code: string): boolean {
  const s = storage();
  if (!s) return true;
  if (s.getItem(visitKey(code))) return false;
  s.setItem(visitKey(code), '1');
  return true;
}
