import type { SearchResults } from '@onair/protocol';
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { api } from '../app/api.ts';
import { Avatar } from '../components/Avatar.tsx';
import { CalendarIcon } from '../components/Icons.tsx';

const DEBOUNCE_MS = 200;
const MAX_QUERY = 100;

interface Suggestion {
  key: string;
  to: string;
  label: string;
  sub: string;
  kind: 'creator' | 'room' | 'tag' | 'event';
  avatar?: { handle: string; displayName: string; avatarUrl: string | null };
}

function suggestionsOf(r: SearchResults): Suggestion[] {
  const out: Suggestion[] = [];
  for (const c of r.creators?.items ?? [])
    out.push({
      key: `c:${c.id}`,
      to: c.live ? `/@${c.handle}/live` : `/@${c.handle}`,
      label: c.displayName,
      sub: `@${c.handle}${c.live ? ' · LIVE' : ''}`,
      kind: 'creator',
      avatar: c,
    });
  for (const t of r.hashtags?.items ?? [])
    out.push({
      key: `t:${t.tag}`,
      to: `/tag/${encodeURIComponent(t.tag)}`,
      label: `#${t.tag}`,
      sub: '',
      kind: 'tag',
    });
  for (const room of r.rooms?.items ?? [])
    out.push({
      key: `r:${room.sessionId}`,
      to: `/@${room.creator.handle}/live`,
      label: room.title,
      sub: `LIVE · @${room.creator.handle}`,
      kind: 'room',
      avatar: room.creator,
    });
  for (const e of r.events?.items ?? [])
    out.push({
      key: `e:${e.id}`,
      to: `/events/${e.id}`,
      label: e.title,
      sub: `@${e.creator.handle}`,
      kind: 'event',
    });
  return out;
}

/** The header's search: suggestions while typing (debounced), Enter for the full results page. */
export function SearchBox() {
  const navigate = useNavigate();
  const location = useLocation();
  const listId = useId();
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<Suggestion[]>([]);
  const [active, setActive] = useState(-1);
  const latest = useRef(0);

  // A new page closes the dropdown (a suggestion was followed, or the user navigated away).
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation only.
  useEffect(() => {
    setOpen(false);
    setActive(-1);
  }, [location.pathname]);

  useEffect(() => {
    const text = q.trim();
    if (!text) {
      setItems([]);
      return;
    }
    const request = ++latest.current;
    const timer = setTimeout(() => {
      api
        .search(text.slice(0, MAX_QUERY), { limit: 4 })
        .then((r) => {
          // Only the answer to the latest keystroke is shown; slower earlier ones are dropped.
          if (request === latest.current) {
            setItems(suggestionsOf(r));
            setActive(-1);
          }
        })
        .catch(() => {
          if (request === latest.current) setItems([]);
        });
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [q]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const chosen = active >= 0 ? items[active] : undefined;
    if (chosen) navigate(chosen.to);
    else if (q.trim()) navigate(`/search?q=${encodeURIComponent(q.trim().slice(0, MAX_QUERY))}`);
    setOpen(false);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' && items.length) {
      event.preventDefault();
      setOpen(true);
      setActive((i) => (i + 1) % items.length);
    } else if (event.key === 'ArrowUp' && items.length) {
      event.preventDefault();
      setActive((i) => (i <= 0 ? items.length - 1 : i - 1));
    } else if (event.key === 'Escape') {
      setOpen(false);
      setActive(-1);
    }
  };

  const showList = open && q.trim() !== '' && items.length > 0;
  return (
    <form className="searchbox" aria-label="Search OnAir" onSubmit={submit}>
      <input
        type="search"
        className="searchbox-input"
        placeholder="Search creators, LIVE, #tags"
        aria-label="Search"
        role="combobox"
        aria-expanded={showList}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={showList && active >= 0 ? `${listId}-${active}` : undefined}
        maxLength={MAX_QUERY}
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
        data-testid="search-input"
      />
      {showList ? (
        <div className="searchbox-list" id={listId} role="listbox" aria-label="Suggestions">
          {items.map((s, i) => (
            <div
              key={s.key}
              id={`${listId}-${i}`}
              role="option"
              // Focus stays in the input (aria-activedescendant); options are reached with the arrows.
              tabIndex={-1}
              aria-selected={i === active}
              className={`searchbox-option${i === active ? ' is-active' : ''}`}
              data-testid="search-suggestion"
              // mousedown, not click: the input's blur would close the list before a click lands.
              onMouseDown={(e) => {
                e.preventDefault();
                navigate(s.to);
                setOpen(false);
              }}
            >
              <span className="searchbox-option-icon" aria-hidden="true">
                {s.avatar ? (
                  <Avatar user={s.avatar} size={28} />
                ) : s.kind === 'event' ? (
                  <CalendarIcon size={20} />
                ) : (
                  '#'
                )}
              </span>
              <span className="searchbox-option-text">
                <span className="searchbox-option-label">{s.label}</span>
                {s.sub ? <span className="searchbox-option-sub">{s.sub}</span> : null}
              </span>
            </div>
          ))}
        </div>
      ) : null}
    </form>
  );
}
