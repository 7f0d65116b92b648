import {
  type KeyboardEvent,
  type ReactNode,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { createPortal } from 'react-dom';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  danger?: boolean;
  /** A stable name for tests: data-action on the item. */
  action: string;
}

const MENU_W = 210;
const GAP = 6;

/**
 * A button that opens a menu of actions (ARIA menu-button pattern): arrow keys move, Enter/Space
 * pick, Escape closes and returns focus. The menu is drawn in a portal with fixed positioning, so an
 * overflowing or masked container (the chat over the video) never clips it.
 */
export function MenuButton({
  label,
  items,
  children,
  className = '',
  testId,
  menuTestId,
}: {
  /** Accessible name of the button, e.g. "More actions for Ana's comment". */
  label: string;
  items: MenuItem[];
  children: ReactNode;
  className?: string;
  testId?: string;
  menuTestId?: string;
}) {
  const [open, setOpen] = useState(false);
  const [pos, setPos] = useState<{ top: number; left: number } | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const menuId = useId();

  const close = useCallback((refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  }, []);

  useLayoutEffect(() => {
    if (!open) return;
    const button = buttonRef.current;
    const menu = menuRef.current;
    if (!button || !menu) return;
    const r = button.getBoundingClientRect();
    const h = menu.offsetHeight;
    const below = r.bottom + GAP + h <= window.innerHeight - 8;
    const top = below ? r.bottom + GAP : Math.max(8, r.top - GAP - h);
    const left = Math.min(Math.max(8, r.right - MENU_W), window.innerWidth - MENU_W - 8);
    setPos({ top, left });
    menu.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (menuRef.current?.contains(target) || buttonRef.current?.contains(target)) return;
      close(false);
    };
    // The button moves with its list: a menu left floating in place would point at the wrong comment.
    const onScroll = (event: Event) => {
      if (menuRef.current?.contains(event.target as Node)) return;
      close(false);
    };
    const onResize = () => close(false);
    document.addEventListener('pointerdown', onPointer, true);
    document.addEventListener('scroll', onScroll, true);
    window.addEventListener('resize', onResize);
    return () => {
      document.removeEventListener('pointerdown', onPointer, true);
      document.removeEventListener('scroll', onScroll, true);
      window.removeEventListener('resize', onResize);
    };
  }, [open, close]);

  function onMenuKey(event: KeyboardEvent<HTMLDivElement>) {
    const menuItems = [...(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = menuItems.indexOf(document.activeElement as HTMLElement);
    const focus = (i: number) => menuItems[(i + menuItems.length) % menuItems.length]?.focus();
    if (event.key === 'ArrowDown') focus(at + 1);
    else if (event.key === 'ArrowUp') focus(at - 1);
    else if (event.key === 'Home') focus(0);
    else if (event.key === 'End') focus(menuItems.length - 1);
    else if (event.key === 'Escape') close(true);
    else if (event.key === 'Tab') {
      close(false);
      return;
    } else return;
    event.preventDefault();
    event.stopPropagation();
  }

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className={className}
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={(event) => {
          event.stopPropagation();
          setOpen((o) => !o);
        }}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' && !open) {
            event.preventDefault();
            setOpen(true);
          }
        }}
        data-testid={testId}
      >
        {children}
      </button>
      {open
        ? createPortal(
            <div
              ref={menuRef}
              id={menuId}
              role="menu"
              aria-label={label.replace(/^More actions for /, 'Actions for ')}
              className="menu"
              style={{
                width: MENU_W,
                top: pos?.top ?? -9999,
                left: pos?.left ?? -9999,
              }}
              onKeyDown={onMenuKey}
              data-testid={menuTestId}
            >
              {items.map((item) => (
                <button
                  key={item.action}
                  type="button"
                  role="menuitem"
                  tabIndex={-1}
                  className={`menu-item${item.danger ? ' is-danger' : ''}`}
                  data-action={item.action}
                  onClick={() => {
                    close(true);
                    item.onSelect();
                  }}
                >
                  {item.label}
                </button>
              ))}
            </div>,
            document.body,
          )
        : null}
    </>
  );
}
