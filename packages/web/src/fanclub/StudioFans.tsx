import type { FanList } from '@onair/protocol';
import { type FormEvent, useEffect, useState } from 'react';
import { Avatar } from '../components/Avatar.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { compactCount, relativeTime } from '../lib/format.ts';
import { Figure } from '../studio/common.tsx';
import { fanClubApi } from './fanclubApi.ts';
import './fanclub.css';

/** Studio "Fans" tab: the creator's club members, the badge name and fans-only chat. */
export function StudioFans() {
  const [data, setData] = useState<FanList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [badge, setBadge] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => {
    fanClubApi.fans().then(
      (d) => {
        setData(d);
        setBadge(d.badgeName);
      },
      (err: Error) => setError(err.message),
    );
  }, []);
  if (error && !data) return <p className="form-error">{error}</p>;
  if (!data) return <PageLoading />;

  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setSaved(null);
    try {
      const s = await fanClubApi.update({ badgeName: badge });
      setData((d) => (d ? { ...d, badgeName: s.badgeName } : d));
      setBadge(s.badgeName);
      setSaved('Saved');
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not save');
    }
  }
  async function toggleFansOnly() {
    const s = await fanClubApi.update({ fansOnly: !data?.fansOnly });
    setData((d) => (d ? { ...d, fansOnly: s.fansOnly } : d));
  }

  return (
    <div className="stack" data-testid="studio-fans">
      <div className="studio-figures">
        <Figure label="members" value={compactCount(data.total)} />
        <Figure
          label="active"
          value={compactCount(data.active)}
          hint="earned points within 7 days of a LIVE"
        />
      </div>
      <section className="panel fan-settings">
        <form onSubmit={save} className="fan-badge-form">
          <label htmlFor="fan-badge-name">Badge name (up to 8 characters)</label>
          <input
            id="fan-badge-name"
            className="input"
            value={badge}
            maxLength={32}
            onChange={(e) => setBadge(e.target.value)}
          />
          <button type="submit" className="btn btn-primary btn-sm">
            Save
          </button>
          {saved ? <span className="studio-muted">{saved}</span> : null}
          {error ? (
            <span className="form-error" role="alert">
              {error}
            </span>
          ) : null}
        </form>
        <label className="fan-only-toggle">
          <input type="checkbox" checked={data.fansOnly} onChange={toggleFansOnly} /> Fans-only chat
        </label>
      </section>
      <section className="panel">
        <div className="fan-list-head">
          <h3 className="studio-chart-title">Fans</h3>
          <a className="btn btn-secondary btn-sm" href={fanClubApi.csvPath()} download data-testid="csv-fans">
            Export CSV
          </a>
        </div>
        {data.members.length === 0 ? (
          <p className="studio-muted">
            Nobody has joined your fan club yet: viewers join with the Heart Me gift.
          </p>
        ) : (
          <ol className="studio-people">
            {data.members.map((m) => (
              <li key={m.user.id} data-testid="fan-row">
                <Avatar user={m.user} size={28} />
                <span className="studio-person">@{m.user.handle}</span>
                <span className="fan-level">Lv {m.level}</span>
                <span className="studio-num">
                  {compactCount(m.points)} pts · {m.active ? 'active' : 'lapsed'} · joined{' '}
                  {relativeTime(m.joinedAt)}
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
