import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { ffmpegVersion, resolveFfmpeg } from './ffmpeg.ts';
import { createHlsPackager, type HlsPackager } from './hls.ts';
import type { IngestHooks, IngestServer } from './ingest.ts';
import { type MediaRoutesOptions, mediaRoutes } from './media.routes.ts';
import { createNmsIngest } from './nms-ingest.ts';
import { createThumbnailer } from './thumbnails.ts';

export interface MediaDeps {
  config: Pick<
    Config,
    | 'RTMP_PORT'
    | 'HOST'
    | 'DATA_DIR'
    | 'FFMPEG_PATH'
    | 'INGEST_IDLE_TIMEOUT_S'
    | 'THUMBNAIL_INTERVAL_S'
    | 'HLS'
    | 'ROLES'
  >;
  log: Logger;
  /** The live domain's side of the ingest contract. */
  hooks: IngestHooks;
  /** For browser go-live: the creator's stream key, or null when the account may not go LIVE. */
  streamKeyFor(actorId: string): Promise<string | null>;
  /** A fresh thumbnail of streamId was written to filePath. */
  onThumbnail(streamId: string, filePath: string): Promise<void> | void;
}

export interface Media {
  ingest: IngestServer;
  ffmpegPath: string;
  hlsDir: string;
  thumbsDir: string;
  /** Binds the RTMP port (when this node has the `media` role). Call after the HTTP server listens. */
  start(): Promise<void>;
  /** Ends every stream ('shutdown') and waits for every ffmpeg to exit. */
  stop(): Promise<void>;
  /** `await app.register(media.routes.plugin, media.routes.options)` */
  routes: { plugin: typeof mediaRoutes; options: MediaRoutesOptions };
}

/** The video pipeline: RTMP ingest, HTTP-FLV/HLS playback, thumbnails, browser go-live. */
export function createMedia({ config, log, hooks, streamKeyFor, onThumbnail }: MediaDeps): Media {
  const enabled = config.ROLES.includes('media');
  const ffmpegPath = resolveFfmpeg(config.FFMPEG_PATH);
  const mediaDir = path.resolve(config.DATA_DIR, 'media');
  const hlsDir = path.join(mediaDir, 'hls');
  const thumbsDir = path.join(mediaDir, 'thumbs');

  const ingest = createNmsIngest({
    rtmpPort: config.RTMP_PORT,
    host: config.HOST,
    log: log.child({ component: 'ingest' }),
    hooks,
    idleTimeoutS: config.INGEST_IDLE_TIMEOUT_S,
  });
  let hls: HlsPackager | null =
    config.HLS === 'on'
      ? createHlsPackager({ ffmpegPath, dir: hlsDir, log: log.child({ component: 'hls' }), ingest })
      : null;
  const thumbnails = createThumbnailer({
    ffmpegPath,
    dir: thumbsDir,
    log: log.child({ component: 'thumbnails' }),
    ingest,
    intervalS: config.THUMBNAIL_INTERVAL_S,
    onThumbnail,
  });
  let ffmpegWorks = true;

  ingest.onEvent((event) => {
    if (event.type === 'published') {
      if (!ffmpegWorks) return;
      hls
        ?.start(event.streamId)
        .catch((err) => log.error({ err, streamId: event.streamId }, 'HLS start failed'));
      // Audio-only streams have nothing to show.
      if (event.info.videoCodec !== null) thumbnails.track(event.streamId);
    } else if (event.type === 'unpublished') {
      thumbnails.untrack(event.streamId);
      hls
        ?.stop(event.streamId)
        .catch((err) => log.error({ err, streamId: event.streamId }, 'HLS stop failed'));
    }
  });

  return {
    ingest,
    ffmpegPath,
    hlsDir,
    thumbsDir,
    routes: {
      plugin: mediaRoutes,
      options: {
        ingest,
        hlsDir,
        thumbsDir,
        bridge: enabled
          ? { ingest, ffmpegPath, log: log.child({ component: 'browser-ingest' }), streamKeyFor }
          : null,
      },
    },

    async start() {
      if (!enabled) {
        log.info('this node has no media role: no RTMP ingest here');
        return;
      }
      try {
        log.info({ ffmpeg: ffmpegPath, version: await ffmpegVersion(ffmpegPath) }, 'ffmpeg found');
      } catch (err) {
        // A broken FFMPEG_PATH is a configuration error; a missing fallback only costs HLS and stills.
        if (config.FFMPEG_PATH) throw err;
        ffmpegWorks = false;
        hls = null;
        log.warn(
          { err },
          'no working ffmpeg: streams are served as HTTP-FLV only (no HLS, thumbnails or browser go-live)',
        );
      }
      await hls?.cleanup();
      await mkdir(thumbsDir, { recursive: true });
      await ingest.start();
    },

    async stop() {
      await ingest.stop();
      await thumbnails.stopAll();
      await hls?.stopAll();
    },
  };
}
