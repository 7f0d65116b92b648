import type { UpdateProfileBody } from '@onair/protocol';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../app/api.ts';
import { useSession } from '../app/session.tsx';
import { ApiTokens } from '../components/ApiTokens.tsx';
import { Avatar } from '../components/Avatar.tsx';
import { TextAreaField, TextField } from '../components/Field.tsx';
import { FormError, FormSuccess } from '../components/FormMessage.tsx';
import { LogOutIcon } from '../components/Icons.tsx';
import { errorMessage } from '../lib/errors.ts';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';

const BIO_MAX = 300;

export function EditProfilePage() {
  useDocumentTitle('Edit profile');
  const { user } = useSession();
  if (!user) return null;
  return (
    <div className="page settings-page">
      <header className="page-header">
        <h1 className="page-title">Edit profile</h1>
        <Link to={`/@${user.handle}`} className="link-subtle">
          View profile
        </Link>
      </header>
      <ProfileForm />
      <ApiTokens />
      <AccountSection />
    </div>
  );
}

function ProfileForm() {
  const { user, setUser } = useSession();
  const [displayName, setDisplayName] = useState(user?.displayName ?? '');
  const [bio, setBio] = useState(user?.bio ?? '');
  const [avatarUrl, setAvatarUrl] = useState(user?.avatarUrl ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  if (!user) return null;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    const body: UpdateProfileBody = {
      displayName: displayName.trim(),
      bio,
      avatarUrl: avatarUrl.trim() === '' ? null : avatarUrl.trim(),
    };
    try {
      const me = await api.updateProfile(body);
      setUser(me);
      setDisplayName(me.displayName);
      setBio(me.bio);
      setAvatarUrl(me.avatarUrl ?? '');
      setSaved('Profile saved');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  // Preview what the profile will look like with the values being typed.
  const preview = {
    handle: user.handle,
    displayName: displayName.trim() || user.handle,
    avatarUrl: avatarUrl.trim() || null,
  };

  return (
    <section className="panel" aria-labelledby="profile-form-title">
      <h2 id="profile-form-title" className="panel-title">
        Profile
      </h2>
      <div className="profile-preview">
        <Avatar user={preview} size={64} />
        <div>
          <p className="profile-preview-name">{preview.displayName}</p>
          <p className="muted">@{user.handle}</p>
        </div>
      </div>
      <form className="form" onSubmit={onSubmit} noValidate>
        <TextField
          label="Display name"
          name="displayName"
          maxLength={50}
          autoComplete="nickname"
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
        />
        <TextAreaField
          label="Bio"
          name="bio"
          rows={4}
          maxChars={BIO_MAX}
          value={bio}
          onChange={(e) => setBio(e.target.value)}
          placeholder="Tell viewers what your LIVEs are about"
        />
        <TextField
          label="Avatar URL"
          name="avatarUrl"
          type="url"
          inputMode="url"
          placeholder="https://…"
          value={avatarUrl}
          onChange={(e) => setAvatarUrl(e.target.value)}
          hint="A link to a square image (http or https). Leave empty to use your initials."
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

function AccountSection() {
  const { logout } = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);

  async function onLogout() {
    setError(null);
    try {
      await logout();
      navigate('/');
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <section className="panel" aria-labelledby="account-title">
      <h2 id="account-title" className="panel-title">
        Account
      </h2>
      <p className="muted">Log out of OnAir on this device.</p>
      <FormError message={error} />
      <div className="form-actions">
        <button type="button" className="btn btn-ghost" onClick={onLogout}>
          <LogOutIcon size={18} />
          Log out
        </button>
      </div>
    </section>
  );
}
