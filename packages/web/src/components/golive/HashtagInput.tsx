import { type KeyboardEvent, useId, useState } from 'react';
import { CloseIcon } from '../Icons.tsx';

export const MAX_HASHTAGS = 10;
const MAX_LENGTH = 30;
const VALID = /^[\p{L}\p{N}_]+$/u;

/** "#Cooking" → "cooking", as the server stores it; null when it is not a valid hashtag. */
export function normalizeHashtag(raw: string): string | null {
  const tag = raw.trim().replace(/^#+/, '').toLowerCase();
  if (!tag || tag.length > MAX_LENGTH || !VALID.test(tag)) return null;
  return tag;
}

interface HashtagInputProps {
  value: string[];
  onChange: (tags: string[]) => void;
  /** The text typed but not yet turned into a chip; the form adds it on save. */
  draft: string;
  onDraftChange: (draft: string) => void;
}

/** Hashtags as chips: type one and press Enter, space or comma; Backspace on empty removes the last. */
export function HashtagInput({ value, onChange, draft, onDraftChange }: HashtagInputProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const [problem, setProblem] = useState<string | null>(null);
  const full = value.length >= MAX_HASHTAGS;

  function add(raw: string): boolean {
    if (!raw.trim()) return true;
    const tag = normalizeHashtag(raw);
    if (!tag) {
      setProblem(`“${raw.trim()}” can't be a hashtag: use letters, digits and _ (up to ${MAX_LENGTH}).`);
      return false;
    }
    if (full) {
      setProblem(`Up to ${MAX_HASHTAGS} hashtags.`);
      return false;
    }
    setProblem(null);
    if (!value.includes(tag)) onChange([...value, tag]);
    onDraftChange('');
    return true;
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Enter' || event.key === ',' || event.key === ' ') {
      // Enter on an empty input still submits the form.
      if (event.key === 'Enter' && !draft.trim()) return;
      event.preventDefault();
      add(draft);
    } else if (event.key === 'Backspace' && draft === '' && value.length > 0) {
      onChange(value.slice(0, -1));
    }
  }

  return (
    <div className="field">
      <div className="field-label-row">
        <label htmlFor={id} className="field-label">
          Hashtags
        </label>
        <span className="field-counter">
          {value.length}/{MAX_HASHTAGS}
        </span>
      </div>
      <div className="chips-input">
        {value.length > 0 ? (
          <ul className="chips" aria-label="Tags added">
            {value.map((tag) => (
              <li key={tag} className="chip" data-testid="hashtag-chip">
                #{tag}
                <button
                  type="button"
                  className="chip-remove"
                  aria-label={`Remove #${tag}`}
                  onClick={() => onChange(value.filter((t) => t !== tag))}
                >
                  <CloseIcon size={14} />
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        <input
          id={id}
          className="chips-field"
          value={draft}
          placeholder={full ? 'That’s 10' : value.length ? 'Add another' : '#cooking'}
          disabled={full}
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          maxLength={MAX_LENGTH + 1}
          aria-describedby={hintId}
          aria-invalid={problem ? true : undefined}
          onChange={(e) => {
            setProblem(null);
            onDraftChange(e.target.value);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => add(draft)}
        />
      </div>
      <p id={hintId} className={`field-hint${problem ? ' hint-warn' : ''}`} aria-live="polite">
        {problem ?? 'Press Enter to add. Letters, digits and _; up to 10.'}
      </p>
    </div>
  );
}
