import { type ReactNode, useId } from 'react';
import { Link, useLocation } from 'react-router';
import { followersLabel } from '../lib/format.ts';
import type { FollowController } from '../lib/useFollow.ts';
import { BellIcon, BellOffIcon, PlusIcon } from './Icons.tsx';

interface FollowButtonProps {
  controller: FollowController;
  /** Small, for overlays on the video: no follower count, icon-only bell. */
  compact?: boolean;
  showCount?: boolean;
}

/**
 * Follow / Following (press to unfollow), the LIVE alerts bell once you follow, and the follower
 * count. Signed out, it links to the log-in page; on your own account it shows only the count.
 */
export function FollowButton({ controller, compact = false, showCount = !compact }: FollowButtonProps) {
  const location = useLocation();
  const hintId = useId();
  const { state, signedIn, self, busy, handle } = controller;
  const count =
    showCount && state ? (
      <span className="follow-count" data-testid="follower-count">
        {followersLabel(state.followerCount)}
      </span>
    ) : null;

  let controls: ReactNode;
  if (self) {
    controls = null;
  } else if (!signedIn) {
    controls = (
      <Link
        to="/login"
        state={{ from: location }}
        className={`btn btn-primary ${compact ? 'btn-xs' : 'btn-sm'}`}
        data-testid="follow-login"
      >
        Log in to follow
      </Link>
    );
  } else if (!state?.following) {
    controls = (
      <button
        type="button"
        className={`btn btn-primary ${compact ? 'btn-xs' : 'btn-sm'}`}
        onClick={() => void controller.follow()}
        disabled={busy || state === null}
        data-testid="follow-button"
      >
        {compact ? <PlusIcon size={16} /> : null}
        Follow
      </button>
    );
  } else {
    controls = (
      <>
        <button
          type="button"
          className={`btn btn-secondary ${compact ? 'btn-xs' : 'btn-sm'}`}
          onClick={() => void controller.unfollow()}
          disabled={busy}
          aria-describedby={hintId}
          data-testid="follow-button"
        >
          Following
        </button>
        <span id={hintId} className="visually-hidden">
          Press to unfollow @{handle}
        </span>
        <button
          type="button"
          className={`btn btn-icon ${compact ? 'btn-xs' : 'btn-sm'} ${state.notify ? 'is-on' : ''}`}
          aria-pressed={state.notify}
          aria-label="LIVE alerts"
          title={state.notify ? 'LIVE alerts are on' : 'LIVE alerts are off'}
          onClick={() => void controller.setAlerts(!state.notify)}
          disabled={busy}
          data-testid="live-alerts-toggle"
        >
          {state.notify ? <BellIcon size={18} /> : <BellOffIcon size={18} />}
        </button>
      </>
    );
  }

  return (
    <div className={`follow-controls${compact ? ' follow-controls-compact' : ''}`}>
      {controls}
      {count}
      {controller.error ? (
        <p className="follow-error" role="alert">
          {controller.error}
        </p>
      ) : null}
    </div>
  );
}
