import { useEffect, useRef, useState } from 'react';
import { PlayIcon, VolumeIcon, VolumeOffIcon } from '../components/Icons.tsx';
import { canPlayFlv, createFlvEngine, createHlsEngine, type Engine, type EngineKind } from './engines.ts';

export type PlayerStatus = 'loading' | 'playing' | 'reconnecting' | 'blocked' | 'unsupported';

interface LivePlayerProps {
  flvUrl: string;
  hlsUrl: string;
  /** Accessible name of the video, e.g. "LIVE video from @ana". */
  label: string;
  onStatus?: (status: PlayerStatus) => void;
  /** Playback failed and is being retried: the stream may have ended, so the page can check. */
  onTrouble?: (reason: string) => void;
}

/** How long an engine may show no progress before it is given up on. */
const FLV_START_MS = 4000;
const HLS_START_MS = 12_000;
const STALL_MS = 8000;
/** Progress stopped this long: show "reconnecting" while the engine tries to recover. */
const BUFFERING_MS = 2000;

/**
 * The LIVE player: HTTP-FLV through mpegts.js where MSE allows, HLS otherwise or when FLV fails (an
 * error, or no progress within 4 s). It starts muted (browsers only autoplay muted video) with a
 * "Tap to unmute" prompt and a mute toggle, keeps one <video>, and tears everything down on unmount.
 */
export function LivePlayer({ flvUrl, hlsUrl, label, onStatus, onTrouble }: LivePlayerProps) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [status, setStatus] = useState<PlayerStatus>('loading');
  const [engineKind, setEngineKind] = useState<EngineKind | null>(null);
  const [muted, setMuted] = useState(true);
  const [userUnmuted, setUserUnmuted] = useState(false);
  const [portrait, setPortrait] = useState(true);
  const callbacks = useRef({ onStatus, onTrouble });
  callbacks.current = { onStatus, onTrouble };
  const resume = useRef<() => void>(() => {});

  useEffect(() => {
    callbacks.current.onStatus?.(status);
  }, [status]);

  useEffect(() => {
    const video = videoRef.current;
    if (video) video.muted = muted;
  }, [muted]);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    video.muted = true;
    video.defaultMuted = true;

    let disposed = false;
    let engine: Engine | null = null;
    let attempt = 0;
    let currentKind: 'flv' | 'hls' = 'flv';
    let flvSupported = false;
    let failures = 0;
    let progressed = false;
    let everPlayed = false;
    let blocked = false;
    let lastTime = 0;
    let lastProgressAt = performance.now();
    let retryTimer: ReturnType<typeof setTimeout> | undefined;

    const report = (next: PlayerStatus) => {
      if (!disposed) setStatus(next);
    };

    const teardown = () => {
      engine?.destroy();
      engine = null;
    };

    const tryPlay = () => {
      const playing = video.play();
      playing?.then(
        () => {
          blocked = false;
        },
        (err: unknown) => {
          if (disposed) return;
          // AbortError just means a new source replaced this one; NotAllowedError needs a tap.
          if (err instanceof DOMException && err.name === 'NotAllowedError') {
            blocked = true;
            report('blocked');
          }
        },
      );
    };

    resume.current = () => {
      blocked = false;
      lastProgressAt = performance.now();
      report(progressed ? 'playing' : 'loading');
      tryPlay();
    };

    const fail = (id: number, reason: string) => {
      if (disposed || id !== attempt) return;
      attempt++;
      const kind = currentKind;
      const played = progressed;
      teardown();
      failures++;
      callbacks.current.onTrouble?.(reason);
      // FLV that never played: straight to HLS. FLV that played: reconnect FLV. HLS keeps
      // retrying, with an FLV attempt every third failure in case FLV only hiccupped at the start.
      let next: 'flv' | 'hls';
      if (kind === 'flv') next = played ? 'flv' : 'hls';
      else next = flvSupported && failures % 3 === 0 ? 'flv' : 'hls';
      const delay =
        kind === 'flv' && !played ? 0 : played ? 300 : Math.min(8000, 500 * 2 ** Math.min(failures, 4));
      report(everPlayed ? 'reconnecting' : 'loading');
      retryTimer = setTimeout(() => void start(next), delay);
    };

    const start = async (kind: 'flv' | 'hls') => {
      teardown();
      const id = ++attempt;
      currentKind = kind;
      progressed = false;
      const onFailure = (reason: string) => fail(id, reason);
      let created: Engine | null;
      try {
        created =
          kind === 'flv'
            ? await createFlvEngine(video, flvUrl, { onFailure })
            : await createHlsEngine(video, hlsUrl, { onFailure });
      } catch (err) {
        fail(id, `could not start ${kind}: ${(err as Error).message}`);
        return;
      }
      if (disposed || id !== attempt) {
        created?.destroy();
        return;
      }
      if (!created) {
        // No HLS in this browser: FLV is all there is (or nothing at all).
        if (flvSupported) retryTimer = setTimeout(() => void start('flv'), 1000);
        else report('unsupported');
        return;
      }
      engine = created;
      setEngineKind(created.kind);
      lastTime = video.currentTime;
      lastProgressAt = performance.now();
      tryPlay();
    };

    const watchdog = setInterval(() => {
      if (!engine || blocked) return;
      const now = performance.now();
      const t = video.currentTime;
      if (t !== lastTime && !video.paused) {
        lastTime = t;
        lastProgressAt = now;
        if (!progressed) {
          progressed = true;
          everPlayed = true;
          failures = 0;
        }
        report('playing');
        return;
      }
      const idle = now - lastProgressAt;
      const limit = progressed ? STALL_MS : engine.kind === 'flv' ? FLV_START_MS : HLS_START_MS;
      if (idle > limit) fail(attempt, progressed ? 'stalled' : 'no progress');
      else if (progressed && idle > BUFFERING_MS) report('reconnecting');
    }, 500);

    const onResize = () => {
      if (video.videoWidth && video.videoHeight) setPortrait(video.videoHeight >= video.videoWidth);
    };
    video.addEventListener('resize', onResize);
    video.addEventListener('loadedmetadata', onResize);

    void canPlayFlv().then((ok) => {
      if (disposed) return;
      flvSupported = ok;
      void start(ok ? 'flv' : 'hls');
    });

    return () => {
      disposed = true;
      attempt++;
      clearTimeout(retryTimer);
      clearInterval(watchdog);
      video.removeEventListener('resize', onResize);
      video.removeEventListener('loadedmetadata', onResize);
      teardown();
      video.removeAttribute('src');
      video.load();
      resume.current = () => {};
    };
  }, [flvUrl, hlsUrl]);

  const toggleMute = () => {
    setMuted((m) => !m);
    setUserUnmuted(true);
    // A blocked autoplay can start now: this click is the user gesture it needed.
    if (status === 'blocked') resume.current();
  };

  return (
    <div className="player" data-status={status}>
      <video
        ref={videoRef}
        className={`player-video ${portrait ? 'fit-cover' : 'fit-contain'}`}
        data-testid="live-video"
        data-engine={engineKind ?? undefined}
        aria-label={label}
        muted
        playsInline
        preload="auto"
        disablePictureInPicture
      />
      {status === 'loading' || status === 'reconnecting' ? (
        <div className="player-overlay" data-testid="player-loading">
          <span className="spinner" aria-hidden="true" />
          <span className="player-overlay-text">
            {status === 'loading' ? 'Connecting to the LIVE…' : 'Reconnecting…'}
          </span>
        </div>
      ) : null}
      {status === 'unsupported' ? (
        <div className="player-overlay" role="alert">
          <span className="player-overlay-text">
            This browser can't play LIVE video. Try a recent Chrome, Firefox, Edge or Safari.
          </span>
        </div>
      ) : null}
      {status === 'blocked' ? (
        <button type="button" className="player-play" onClick={() => resume.current()}>
          <PlayIcon size={28} />
          <span>Tap to play</span>
        </button>
      ) : null}
      {muted && !userUnmuted && status !== 'blocked' ? (
        <button type="button" className="player-unmute" onClick={toggleMute}>
          <VolumeOffIcon size={18} />
          Tap to unmute
        </button>
      ) : null}
      <button
        type="button"
        className="player-mute"
        aria-label="Mute"
        aria-pressed={muted}
        title={muted ? 'Unmute' : 'Mute'}
        onClick={toggleMute}
        data-testid="mute-toggle"
      >
        {muted ? <VolumeOffIcon size={20} /> : <VolumeIcon size={20} />}
      </button>
    </div>
  );
}
