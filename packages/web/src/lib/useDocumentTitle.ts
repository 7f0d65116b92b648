import { useEffect } from 'react';

/** Sets the tab title to "<title> · OnAir" (or just "OnAir"). */
export function useDocumentTitle(title?: string): void {
  useEffect(() => {
    document.title = title ? `${title} · OnAir` : 'OnAir';
  }, [title]);
}
