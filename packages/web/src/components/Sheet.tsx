import { type ReactNode, useEffect, useId, useRef } from 'react';
import { CloseIcon } from './Icons.tsx';

/**
 * A modal dialog: a bottom sheet on phones, a centered card on wide screens. Built on <dialog>
 * (showModal), so focus is trapped, Escape closes it and the page behind is inert. Mount it to open
 * it; `onClose` runs however it is closed (Escape, the close button, a tap on the backdrop).
 */
export function Sheet({
  title,
  onClose,
  children,
  testId,
  className = '',
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      // Back to whatever opened it (a menu item's button may be gone: then the page keeps focus).
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`sheet ${className}`}
      aria-labelledby={titleId}
      onClose={(event) => {
        // A close queued by a remount (StrictMode) arrives after the dialog reopened: not a real close.
        if (!event.currentTarget.open) onCloseRef.current();
      }}
      // A tap on the backdrop (the dialog itself, outside its panel) closes it; Escape does too.
      onClick={(event) => {
        if (event.target === event.currentTarget) event.currentTarget.close();
      }}
      onKeyDown={(event) => event.stopPropagation()}
      data-testid={testId}
    >
      <div className="sheet-panel">
        <header className="sheet-head">
          <h2 id={titleId} className="sheet-title">
            {title}
          </h2>
          <button
            type="button"
            className="icon-btn sheet-close"
            aria-label="Close"
            onClick={() => ref.current?.close()}
          >
            <CloseIcon size={20} />
          </button>
        </header>
        <div className="sheet-body">{children}</div>
      </div>
    </dialog>
  );
}
