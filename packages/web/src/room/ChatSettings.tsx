import type { ChatUser, ModerationSettings } from '@onair/protocol';
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { api } from '../app/api.ts';
import { Avatar } from '../components/Avatar.tsx';
import { FormError } from '../components/FormMessage.tsx';
import { CloseIcon } from '../components/Icons.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { FansOnlyToggle } from '../fanclub/FansOnlyToggle.tsx';
import { errorMessage } from '../lib/errors.ts';
import { untilLabel } from './chatErrors.ts';

const SLOW_MODES = [0, 5, 10, 30, 60];
const WORD_MAX = 40;
const WORDS_MAX = 200;

const slowLabel = (s: number) => (s === 0 ? 'Off' : `${s} s`);

/**
 * The host's chat rules: slow mode, banned words, moderators, and who is muted or banned (with
 * Unmute / Unban). Every change applies at once. `sessionId` is any LIVE of the host's (the current
 * or the last one): unmute and unban go through it; without one those buttons are not offered.
 */
export function ChatSettingsPanel({ sessionId }: { sessionId: string | null }) {
  const [settings, setSettings] = useState<ModerationSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [word, setWord] = useState('');
  const [modHandle, setModHandle] = useState('');
  const ids = useId();

  const load = useCallback(async () => {
    try {
      setSettings(await api.chatSettings());
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  /** Runs one change; the answer (the settings as they now are) replaces what is shown. */
  async function run(change: () => Promise<ModerationSettings | undefined>, done: string): Promise<boolean> {
    setBusy(true);
    setError(null);
    setStatus('');
    try {
      const next = await change();
      if (next) setSettings(next);
      else await load();
      setStatus(done);
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    } finally {
      setBusy(false);
    }
  }

  if (!settings)
    return error ? <FormError message={error} /> : <PageLoading label="Loading chat settings…" />;

  const slowOptions = SLOW_MODES.includes(settings.slowModeS)
    ? SLOW_MODES
    : [...SLOW_MODES, settings.slowModeS].sort((a, b) => a - b);

  /** The choice shows at once; it goes back if the server refuses it. */
  async function setSlowMode(seconds: number) {
    if (!settings) return;
    const before = settings.slowModeS;
    setSettings({ ...settings, slowModeS: seconds });
    const ok = await run(
      () => api.updateChatSettings({ slowModeS: seconds }),
      seconds === 0 ? 'Slow mode is off.' : `Slow mode is on: ${seconds} s between comments.`,
    );
    if (!ok) setSettings((s) => (s ? { ...s, slowModeS: before } : s));
  }

  async function addWord(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!settings) return;
    const w = word.trim().toLowerCase();
    if (!w) return;
    if (w.length > WORD_MAX) {
      setError(`Banned words are at most ${WORD_MAX} characters.`);
      return;
    }
    if (settings.bannedWords.includes(w)) {
      setWord('');
      return;
    }
    if (settings.bannedWords.length >= WORDS_MAX) {
      setError(`Up to ${WORDS_MAX} banned words.`);
      return;
    }
    const ok = await run(
      () => api.updateChatSettings({ bannedWords: [...settings.bannedWords, w] }),
      `“${w}” is now blocked in your chat.`,
    );
    if (ok) setWord('');
  }

  async function addModerator(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const handle = modHandle.trim().replace(/^@/, '').toLowerCase();
    if (!handle) return;
    const ok = await run(() => api.setModerator(handle, true), `@${handle} is now a moderator.`);
    if (ok) setModHandle('');
  }

  const person = (u: ChatUser) => (
    <span className="mod-person">
      <Avatar user={u} size={32} />
      <span className="mod-names">
        <span className="mod-name">{u.displayName}</span>
        <span className="mod-handle">@{u.handle}</span>
      </span>
    </span>
  );

  return (
    <div className="chat-settings" data-testid="chat-settings">
      <p className="visually-hidden" role="status" data-testid="chat-settings-status">
        {status}
      </p>
      {status ? (
        <p className="form-message form-success" aria-hidden="true">
          {status}
        </p>
      ) : null}
      {error ? (
        <p className="form-message form-error" role="alert" data-testid="chat-settings-error">
          {error}
        </p>
      ) : null}

      <FansOnlyToggle sessionId={sessionId} />

      <fieldset className="settings-group" disabled={busy}>
        <legend className="settings-legend">Slow mode</legend>
        <p className="field-hint">
          How long each viewer waits between comments. You and your moderators never wait.
        </p>
        <div className="segmented segmented-wide">
          {slowOptions.map((s) => (
            <label key={s} className={`segmented-option${settings.slowModeS === s ? ' is-checked' : ''}`}>
              <input
                type="radio"
                name={`${ids}-slow`}
                value={s}
                checked={settings.slowModeS === s}
                onChange={() => void setSlowMode(s)}
                data-testid={`slow-mode-${s}`}
              />
              {slowLabel(s)}
            </label>
          ))}
        </div>
      </fieldset>

      <section className="settings-group" aria-labelledby={`${ids}-words`}>
        <h3 id={`${ids}-words`} className="settings-legend">
          Banned words
        </h3>
        <p className="field-hint">
          Comments with these words are refused. Whole words; phrases match as typed.
        </p>
        {settings.bannedWords.length > 0 ? (
          <ul className="chips" aria-label="Banned words">
            {settings.bannedWords.map((w) => (
              <li key={w} className="chip" data-testid="banned-word">
                {w}
                <button
                  type="button"
                  className="chip-remove"
                  aria-label={`Remove banned word ${w}`}
                  disabled={busy}
                  onClick={() =>
                    void run(
                      () =>
                        api.updateChatSettings({ bannedWords: settings.bannedWords.filter((x) => x !== w) }),
                      `“${w}” is allowed again.`,
                    )
                  }
                >
                  <CloseIcon size={14} />
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted settings-empty">No banned words.</p>
        )}
        <form className="settings-add" onSubmit={addWord}>
          <label htmlFor={`${ids}-word`} className="visually-hidden">
            Add a banned word
          </label>
          <input
            id={`${ids}-word`}
            className="input"
            value={word}
            maxLength={WORD_MAX}
            placeholder="Add a word"
            autoCapitalize="none"
            autoCorrect="off"
            spellCheck={false}
            onChange={(e) => setWord(e.target.value)}
            data-testid="banned-word-input"
          />
          <button type="submit" className="btn btn-secondary" disabled={busy || !word.trim()}>
            Add word
          </button>
        </form>
      </section>

      <section className="settings-group" aria-labelledby={`${ids}-mods`}>
        <h3 id={`${ids}-mods`} className="settings-legend">
          Moderators
        </h3>
        <p className="field-hint">They can pin and delete comments and mute or ban viewers in your LIVEs.</p>
        {settings.moderators.length > 0 ? (
          <ul className="mod-list" aria-label="Moderators">
            {settings.moderators.map((m) => (
              <li key={m.id} className="mod-row" data-testid="moderator" data-handle={m.handle}>
                {person(m)}
                <button
                  type="button"
                  className="btn btn-secondary btn-sm"
                  aria-label={`Remove moderator @${m.handle}`}
                  disabled={busy}
                  onClick={() =>
                    void run(
                      () => api.setModerator(m.handle, false),
                      `@${m.handle} is no longer a moderator.`,
                    )
                  }
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted settings-empty">No moderators yet.</p>
        )}
        <form className="settings-add" onSubmit={addModerator}>
          <label htmlFor={`${ids}-mod`} className="visually-hidden">
            Moderator's handle
          </label>
          <input
            id={`${ids}-mod`}
            className="input"
            value={modHandle}
            maxLength={25}
            placeholder="@handle"
            autoCapitalize="none"
            autoCorrect="off"
            spellCheck={false}
            onChange={(e) => setModHandle(e.target.value)}
            data-testid="moderator-input"
          />
          <button type="submit" className="btn btn-secondary" disabled={busy || !modHandle.trim()}>
            Add moderator
          </button>
        </form>
      </section>

      <section className="settings-group" aria-labelledby={`${ids}-muted`}>
        <h3 id={`${ids}-muted`} className="settings-legend">
          Muted
        </h3>
        {settings.muted.length > 0 ? (
          <ul className="mod-list" aria-label="Muted viewers">
            {settings.muted.map(({ user, until }) => (
              <li key={user.id} className="mod-row" data-testid="muted-user" data-handle={user.handle}>
                {person(user)}
                <span className="mod-until">{untilLabel(until).trim()}</span>
                {sessionId ? (
                  <button
                    type="button"
                    className="btn btn-secondary btn-sm"
                    aria-label={`Unmute @${user.handle}`}
                    disabled={busy}
                    onClick={() =>
                      void run(async () => {
                        await api.moderate(sessionId, user.handle, 'unmute');
                        return undefined;
                      }, `@${user.handle} is unmuted.`)
                    }
                  >
                    Unmute
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted settings-empty">No one is muted.</p>
        )}
      </section>

      <section className="settings-group" aria-labelledby={`${ids}-banned`}>
        <h3 id={`${ids}-banned`} className="settings-legend">
          Banned
        </h3>
        {settings.banned.length > 0 ? (
          <ul className="mod-list" aria-label="Banned viewers">
            {settings.banned.map((user) => (
              <li key={user.id} className="mod-row" data-testid="banned-user" data-handle={user.handle}>
                {person(user)}
                {sessionId ? (
                  <button
                    type="button"
                    className="btn btn-secondary btn-sm"
                    aria-label={`Unban @${user.handle}`}
                    disabled={busy}
                    onClick={() =>
                      void run(async () => {
                        await api.moderate(sessionId, user.handle, 'unban');
                        return undefined;
                      }, `@${user.handle} is unbanned.`)
                    }
                  >
                    Unban
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted settings-empty">No one is banned.</p>
        )}
      </section>
    </div>
  );
}
