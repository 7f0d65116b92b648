import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { type BroadcastState, BrowserBroadcast, pickMimeType } from '../../broadcast/browserBroadcast.ts';
import { CameraIcon, MonitorIcon } from '../Icons.tsx';

export type CaptureSource = 'camera' | 'screen';

class CaptureError extends Error {}

const CAMERA_VIDEO: MediaTrackConstraints = {
  width: { ideal: 720 },
  height: { ideal: 1280 },
  frameRate: { ideal: 30, max: 30 },
  facingMode: 'user',
};
const MIC: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true };

function errName(err: unknown): string {
  return err instanceof DOMException || err instanceof Error ? err.name : '';
}

/** Camera + microphone, or a screen + microphone; `warning` when it works without sound. */
async function capture(source: CaptureSource): Promise<{ stream: MediaStream; warning: string | null }> {
  const devices = navigator.mediaDevices;
  if (!devices?.getUserMedia) {
    throw new CaptureError(
      "This browser can't use a camera on this page. Open OnAir over https:// (or on localhost) in a recent browser.",
    );
  }
  if (source === 'camera') {
    try {
      return { stream: await devices.getUserMedia({ video: CAMERA_VIDEO, audio: MIC }), warning: null };
    } catch (err) {
      const name = errName(err);
      if (name === 'NotAllowedError' || name === 'SecurityError')
        throw new CaptureError(
          "Camera or microphone access was blocked. Allow both for this site in your browser's settings, then try again.",
        );
      if (name === 'NotReadableError' || name === 'AbortError')
        throw new CaptureError(
          'Your camera or microphone is in use by another app. Close it there and try again.',
        );
      if (name !== 'NotFoundError' && name !== 'OverconstrainedError')
        throw new CaptureError(`Couldn't start your camera (${name || 'unknown error'}).`);
    }
    // Something is missing: a camera without a microphone still makes a LIVE.
    try {
      const stream = await devices.getUserMedia({ video: CAMERA_VIDEO });
      return { stream, warning: "No microphone found: you'll be LIVE without sound." };
    } catch (err) {
      const name = errName(err);
      if (name === 'NotAllowedError' || name === 'SecurityError')
        throw new CaptureError(
          "Camera access was blocked. Allow it for this site in your browser's settings, then try again.",
        );
      throw new CaptureError('No camera found. Connect a camera, or share your screen instead.');
    }
  }

  if (!devices.getDisplayMedia)
    throw new CaptureError("This browser can't share your screen. Use your camera instead.");
  let screen: MediaStream;
  try {
    screen = await devices.getDisplayMedia({ video: { frameRate: { ideal: 30, max: 30 } }, audio: true });
  } catch (err) {
    const name = errName(err);
    if (name === 'NotAllowedError' || name === 'AbortError')
      throw new CaptureError(
        'Screen sharing was cancelled or blocked. Choose a screen, window or tab to share.',
      );
    throw new CaptureError(`Couldn't share your screen (${name || 'unknown error'}).`);
  }
  const video = screen.getVideoTracks();
  let audio: MediaStreamTrack | undefined;
  let warning: string | null = null;
  try {
    const mic = await devices.getUserMedia({ audio: MIC });
    audio = mic.getAudioTracks()[0];
    for (const t of screen.getAudioTracks()) t.stop();
  } catch {
    audio = screen.getAudioTracks()[0];
    warning = audio
      ? "No microphone: viewers hear only the shared tab's sound."
      : "No microphone: you'll be LIVE without sound.";
  }
  return { stream: new MediaStream(audio ? [...video, audio] : video), warning };
}

function stopTracks(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

const END_REASONS: Record<string, string> = {
  stopped: '',
  key_regenerated: 'Your stream key was regenerated.',
  kicked: 'The server stopped this stream.',
  timeout: 'The server stopped receiving video.',
  shutdown: 'The server is restarting.',
};

interface BrowserGoLiveProps {
  handle: string;
  /** The room is LIVE from somewhere else (OBS): going LIVE here would be refused. */
  liveElsewhere: boolean;
  /** The broadcast changed phase: the page refreshes the room status. */
  onPhase: () => void;
}

/** "Go LIVE from this computer": pick camera or screen, preview it, go LIVE, end it. */
export function BrowserGoLive({ handle, liveElsewhere, onPhase }: BrowserGoLiveProps) {
  const [source, setSource] = useState<CaptureSource>('camera');
  const [media, setMedia] = useState<MediaStream | null>(null);
  const [acquiring, setAcquiring] = useState(false);
  const [warning, setWarning] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [broadcast, setBroadcast] = useState<BroadcastState | null>(null);
  const previewRef = useRef<HTMLVideoElement>(null);
  const mediaRef = useRef<MediaStream | null>(null);
  const broadcastRef = useRef<BrowserBroadcast | null>(null);
  const onPhaseRef = useRef(onPhase);
  onPhaseRef.current = onPhase;

  const phase = broadcast?.phase ?? null;
  const active = phase === 'connecting' || phase === 'live' || phase === 'ending';

  const setStream = useCallback((stream: MediaStream | null) => {
    if (mediaRef.current && mediaRef.current !== stream) stopTracks(mediaRef.current);
    mediaRef.current = stream;
    setMedia(stream);
  }, []);

  useEffect(() => {
    const video = previewRef.current;
    if (!video) return;
    video.srcObject = media;
    if (media) void video.play().catch(() => {});
  }, [media]);

  // Leaving the page ends the LIVE and turns the camera off.
  useEffect(
    () => () => {
      broadcastRef.current?.dispose();
      stopTracks(mediaRef.current);
    },
    [],
  );

  // Closing the tab mid-LIVE deserves a warning.
  useEffect(() => {
    if (!active) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [active]);

  const acquire = useCallback(
    async (which: CaptureSource): Promise<MediaStream | null> => {
      setAcquiring(true);
      setError(null);
      setWarning(null);
      try {
        const { stream, warning: w } = await capture(which);
        setWarning(w);
        setStream(stream);
        // The browser's own "Stop sharing" (or an unplugged camera) ends the LIVE.
        for (const track of stream.getVideoTracks()) {
          track.addEventListener('ended', () => {
            if (mediaRef.current !== stream) return;
            broadcastRef.current?.stop();
            setStream(null);
          });
        }
        return stream;
      } catch (err) {
        setError(
          err instanceof CaptureError ? err.message : `Couldn't start capturing: ${(err as Error).message}`,
        );
        return null;
      } finally {
        setAcquiring(false);
      }
    },
    [setStream],
  );

  async function goLive() {
    setError(null);
    const mimeType = pickMimeType();
    if (!mimeType) {
      setError(
        "This browser can't record video for streaming. Use a recent Chrome, Edge or Firefox, or stream with OBS.",
      );
      return;
    }
    const stream = mediaRef.current ?? (await acquire(source));
    if (!stream) return;
    broadcastRef.current?.dispose();
    const b = new BrowserBroadcast(stream, mimeType, (state) => {
      setBroadcast(state);
      if (state.phase === 'ended' || state.phase === 'failed') setStream(null);
      onPhaseRef.current();
    });
    broadcastRef.current = b;
    setBroadcast(b.snapshot);
    b.start();
  }

  function endLive() {
    broadcastRef.current?.stop();
  }

  function chooseSource(next: CaptureSource) {
    if (next === source) return;
    setSource(next);
    setStream(null);
    setWarning(null);
    setError(null);
  }

  const statusText =
    phase === 'connecting'
      ? 'Connecting to the server…'
      : phase === 'live'
        ? "You're LIVE from this browser."
        : phase === 'ending'
          ? 'Ending your LIVE…'
          : phase === 'ended'
            ? `Your LIVE has ended. ${END_REASONS[broadcast?.endReason ?? 'stopped'] ?? ''}`.trim()
            : '';
  const failure = phase === 'failed' ? broadcast?.error : null;

  return (
    <section className="panel golive-browser" aria-labelledby="browser-title">
      <div className="panel-head">
        <span className="panel-icon" aria-hidden="true">
          <CameraIcon size={22} />
        </span>
        <h2 id="browser-title" className="panel-title">
          Go LIVE from this computer
        </h2>
      </div>

      <fieldset className="segmented" disabled={active || acquiring}>
        <legend className="visually-hidden">Video source</legend>
        <label className={`segmented-option${source === 'camera' ? ' is-checked' : ''}`}>
          <input
            type="radio"
            name="capture-source"
            value="camera"
            checked={source === 'camera'}
            onChange={() => chooseSource('camera')}
          />
          <CameraIcon size={18} />
          Camera
        </label>
        <label className={`segmented-option${source === 'screen' ? ' is-checked' : ''}`}>
          <input
            type="radio"
            name="capture-source"
            value="screen"
            checked={source === 'screen'}
            onChange={() => chooseSource('screen')}
          />
          <MonitorIcon size={18} />
          Screen
        </label>
      </fieldset>

      <div className={`preview${media ? '' : ' is-empty'}`} data-phase={phase ?? 'idle'}>
        <video
          ref={previewRef}
          className={`preview-video${source === 'camera' ? ' is-mirrored' : ''}`}
          muted
          playsInline
          autoPlay
          aria-label="Your preview"
          data-testid="broadcast-preview"
          hidden={!media}
        />
        {media ? null : (
          <div className="preview-empty">
            {source === 'camera' ? <CameraIcon size={36} /> : <MonitorIcon size={36} />}
            <p>
              {source === 'camera' ? 'Your camera preview shows here.' : 'The screen you share shows here.'}
            </p>
            <button
              type="button"
              className="btn btn-secondary btn-sm"
              onClick={() => void acquire(source)}
              disabled={acquiring || active}
            >
              {source === 'camera' ? 'Turn on camera' : 'Choose a screen'}
            </button>
          </div>
        )}
        {phase === 'live' ? <span className="live-badge preview-badge">LIVE</span> : null}
      </div>

      <p
        className="broadcast-status"
        role="status"
        data-testid="broadcast-status"
        data-phase={phase ?? 'idle'}
      >
        {statusText}
        {phase === 'live' ? (
          <>
            {' '}
            <Link to={`/@${handle}/live`}>See what viewers see</Link>
          </>
        ) : null}
      </p>
      {warning && !failure && !error ? <p className="form-message form-warning">{warning}</p> : null}
      {error || failure ? (
        <p className="form-message form-error" role="alert" data-testid="broadcast-error">
          {error ?? failure}
        </p>
      ) : null}

      <div className="broadcast-actions">
        {active ? (
          <button
            type="button"
            className="btn btn-end btn-lg btn-block"
            onClick={endLive}
            disabled={phase === 'ending'}
          >
            End LIVE
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-primary btn-lg btn-block"
            onClick={() => void goLive()}
            disabled={acquiring || liveElsewhere}
            aria-describedby={liveElsewhere ? 'live-elsewhere-note' : undefined}
          >
            Go LIVE
          </button>
        )}
        {media && !active ? (
          <button type="button" className="btn-link" onClick={() => setStream(null)}>
            Turn off preview
          </button>
        ) : null}
      </div>
      {liveElsewhere && !active ? (
        <p id="live-elsewhere-note" className="muted">
          You're already LIVE from OBS. End that stream to go LIVE from here.
        </p>
      ) : null}
    </section>
  );
}
