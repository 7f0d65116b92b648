import type { MyRoom, Topic } from '@onair/protocol';
import { type FormEvent, useState } from 'react';
import { api } from '../../app/api.ts';
import { errorMessage } from '../../lib/errors.ts';
import { TOPIC_OPTIONS } from '../../lib/topics.ts';
import { SelectField, TextField } from '../Field.tsx';
import { FormError, FormSuccess } from '../FormMessage.tsx';
import { HashtagInput, MAX_HASHTAGS, normalizeHashtag } from './HashtagInput.tsx';

const TITLE_MAX = 80;

/** Title, topic and hashtags of the room: what the feed card and the watch page show. */
export function RoomSettings({ room, onSaved }: { room: MyRoom; onSaved: (room: MyRoom) => void }) {
  // The form owns its values from the first load on, so polling never overwrites what is being typed.
  const [title, setTitle] = useState(room.title);
  const [topic, setTopic] = useState<Topic>(room.topic);
  const [hashtags, setHashtags] = useState<string[]>(room.hashtags);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setSaved(null);
    let tags = hashtags;
    if (draft.trim()) {
      const tag = normalizeHashtag(draft);
      if (!tag) {
        setError(`“${draft.trim()}” can't be a hashtag: use letters, digits and _.`);
        return;
      }
      if (!tags.includes(tag)) tags = [...tags, tag].slice(0, MAX_HASHTAGS);
    }
    setBusy(true);
    try {
      const next = await api.updateRoom({ title: title.trim(), topic, hashtags: tags });
      setTitle(next.title);
      setTopic(next.topic);
      setHashtags(next.hashtags);
      setDraft('');
      setSaved(next.state === 'live' ? 'Saved. Viewers see the new details on your next LIVE.' : 'Saved.');
      onSaved(next);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel golive-settings" aria-labelledby="room-settings-title">
      <h2 id="room-settings-title" className="panel-title">
        Your LIVE
      </h2>
      <form className="form" onSubmit={onSubmit} noValidate>
        <TextField
          label="Title"
          name="title"
          maxLength={TITLE_MAX}
          placeholder="What's your LIVE about?"
          value={title}
          onChange={(e) => {
            setTitle(e.target.value);
            setSaved(null);
          }}
          hint={`${title.length}/${TITLE_MAX}`}
        />
        <SelectField
          label="Topic"
          name="topic"
          options={TOPIC_OPTIONS}
          value={topic}
          onChange={(e) => {
            setTopic(e.target.value as Topic);
            setSaved(null);
          }}
        />
        <HashtagInput
          value={hashtags}
          onChange={(tags) => {
            setHashtags(tags);
            setSaved(null);
          }}
          draft={draft}
          onDraftChange={setDraft}
        />
        <FormError message={error} />
        <FormSuccess message={saved} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Save
          </button>
        </div>
      </form>
    </section>
  );
}
