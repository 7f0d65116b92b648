import { api } from '../app/api.ts';
import { Avatar } from '../components/Avatar.tsx';
import { PageLoading } from '../components/PageLoading.tsx';
import { compactCount, followersLabel, relativeTime } from '../lib/format.ts';
import { CsvLink, Figure, minutesLabel, STUDIO_TZ, useLoad } from './common.tsx';

const CLASS_LABEL = { regular: 'Regular', returning: 'Returning', new: 'New' } as const;

export function Audience() {
  const { data, error } = useLoad(() => api.studioAudience(), 'audience');
  if (error) return <p className="form-error">{error}</p>;
  if (!data) return <PageLoading />;
  return (
    <div className="stack" data-testid="studio-audience">
      <div className="studio-figures">
        <Figure
          label="regulars"
          value={compactCount(data.classes.regular)}
          hint="watched ≥ 3 of your last 5"
        />
        <Figure
          label="returning"
          value={compactCount(data.classes.returning)}
          hint="came back at least once"
        />
        <Figure label="new" value={compactCount(data.classes.new)} hint="one session so far" />
        <Figure label="sessions looked at" value={compactCount(data.sessions)} />
      </div>
      <div className="studio-columns">
        <section className="panel">
          <h3 className="studio-chart-title">Supporters</h3>
          {data.supporters.length === 0 ? (
            <p className="studio-muted">Nobody has sent a gift yet.</p>
          ) : (
            <ol className="studio-people">
              {data.supporters.map((s) => (
                <li key={s.user.id}>
                  <Avatar user={s.user} size={28} />
                  <span className="studio-person">@{s.user.handle}</span>
                  <span className="studio-num">
                    {compactCount(s.coins)} coins · {s.gifts} gifts
                  </span>
                </li>
              ))}
            </ol>
          )}
        </section>
        <section className="panel">
          <h3 className="studio-chart-title">Sharers</h3>
          {data.sharers.length === 0 ? (
            <p className="studio-muted">Nobody has shared your LIVE yet.</p>
          ) : (
            <ol className="studio-people">
              {data.sharers.map((s) => (
                <li key={s.user.id}>
                  <Avatar user={s.user} size={28} />
                  <span className="studio-person">@{s.user.handle}</span>
                  <span className="studio-num">
                    brought {s.visits} visits · {s.follows} follows
                  </span>
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
      <section className="panel">
        <div className="studio-section-head">
          <h3 className="studio-chart-title">Fans</h3>
          <CsvLink dataset="fans" label="Export fan list (CSV)" />
        </div>
        <div className="studio-table-wrap">
          <table className="studio-table" data-testid="studio-fans">
            <thead>
              <tr>
                <th>Viewer</th>
                <th>Class</th>
                <th>Sessions</th>
                <th>Watch time</th>
                <th>Comments</th>
                <th>Hearts</th>
                <th>Coins</th>
                <th>Last seen</th>
              </tr>
            </thead>
            <tbody>
              {data.fans.map((f) => (
                <tr key={f.user.id}>
                  <td>
                    <span className="studio-fan">
                      <Avatar user={f.user} size={24} />@{f.user.handle}
                      {f.follower ? <span className="badge">follows you</span> : null}
                    </span>
                  </td>
                  <td>
                    <span className={`studio-class studio-class-${f.class}`}>{CLASS_LABEL[f.class]}</span>
                  </td>
                  <td>{f.sessions}</td>
                  <td>{minutesLabel(f.watchS)}</td>
                  <td>{compactCount(f.comments)}</td>
                  <td>{compactCount(f.hearts)}</td>
                  <td>{compactCount(f.coins)}</td>
                  <td>{relativeTime(f.lastSeenAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="studio-heatmap-legend" aria-hidden="true">
            fewer
            <span className="studio-heatmap-scale" />
            more visits
          </div>
        </div>
      </section>
    </div>
  );
}

const HOURS = Array.from({ length: 24 }, (_, h) => h);
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const hourLabel = (h: number) => (h === 0 ? '12a' : h < 12 ? `${h}a` : h === 12 ? '12p' : `${h - 12}p`);

/** When your followers watch LIVEs, per hour of the week in your time zone. */
export function BestTimes() {
  // The zone, not today's offset: hours before and after a DST change each land where they were lived.
  const { data, error } = useLoad(() => api.studioHeatmap({ tz: STUDIO_TZ, days: 28 }), 'heatmap');
  if (error) return <p className="form-error">{error}</p>;
  if (!data) return <PageLoading />;
  const max = Math.max(1, ...data.cells);
  return (
    <div className="stack" data-testid="studio-best-times">
      <div className="studio-section-head">
        <p className="studio-muted">
          When your {followersLabel(data.followers)} started watching any LIVE in the last {data.days} days,
          in your time zone.
        </p>
        <CsvLink dataset="heatmap" tz={STUDIO_TZ} />
      </div>
      {data.best.length > 0 ? (
        <div className="studio-best">
          Best times to go LIVE:{' '}
          {data.best.map((b, i) => (
            <strong key={b.hourOfWeek}>
              {i > 0 ? ', ' : ''}
              {b.label}
            </strong>
          ))}
        </div>
      ) : (
        <p className="studio-muted">
          Not enough follower activity yet: the map fills in as your followers watch.
        </p>
      )}
      <table className="studio-heatmap" aria-label="Follower activity by day and hour">
        <thead>
          <tr>
            <th />
            {HOURS.map((h) => (
              <th key={h} scope="col" className="studio-heatmap-hour">
                {h % 3 === 0 ? hourLabel(h) : ''}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {DAYS.map((day, d) => (
            <tr key={day}>
              <th scope="row" className="studio-heatmap-day">
                {day}
              </th>
              {HOURS.map((h) => {
                const v = data.cells[d * 24 + h] ?? 0;
                return (
                  <td
                    key={h}
                    className="studio-heatmap-cell"
                    title={`${day} ${hourLabel(h)}: ${v} visits`}
                    style={
                      v === 0 ? undefined : { background: `rgba(254, 44, 85, ${0.15 + 0.85 * (v / max)})` }
                    }
                  />
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
