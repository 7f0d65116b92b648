import { createServer, type Server } from 'node:net';
import type { Logger } from 'pino';
import { FlvBroadcast } from './flv-broadcast.ts';
import type { IngestEvent, IngestHooks, IngestServer, UnpublishReason } from './ingest.ts';
import type { AvPacket } from './nms.ts';
import { routeNmsLogs } from './nms.ts';
import { RtmpConnection } from './rtmp-connection.ts';
import { INGEST_APP, parseStreamName, redactKey } from './stream-name.ts';

export interface NmsIngestOptions {
  rtmpPort: number;
  host: string;
  log: Logger;
  hooks: IngestHooks;
  /** A live stream that sends nothing for this long is ended with reason 'timeout'. */
  idleTimeoutS: number;
  /** Largest accepted picture in pixels; bigger streams are ended with 'error'. Default 4096×2304. */
  maxPixels?: number;
}

/** A connection must have asked to publish by then, or it is an idle or half-open socket. */
const PUBLISH_DEADLINE_MS = 10_000;
/** The live domain answers a publish in milliseconds; this long means it is stuck. */
const AUTHORIZE_DEADLINE_MS = 15_000;
/** A stream whose video has no recognizable keyframes (audio-only, legacy codecs) goes LIVE after this. */
const NO_KEYFRAME_GRACE_MS = 3_000;
/** stop() waits this long for in-flight authorizations and hook calls. */
const STOP_WAIT_MS = 5_000;
const DEFAULT_MAX_PIXELS = 4096 * 2304;

interface Publication {
  streamId: string;
  name: string;
  key: string;
  conn: RtmpConnection;
  broadcast: FlvBroadcast;
  log: Logger;
  live: boolean;
  ended: boolean;
  packets: number;
  liveTimer: NodeJS.Timeout | null;
  /** Hook calls for one stream run in order, so `unpublished` never overtakes `published`. */
  hooks: Promise<void>;
}

/**
 * The RTMP ingest: accepts publishes on rtmp://host:port/live/<key>, authorizes each through the
 * live domain, fans the media out as FLV (viewers, HLS packager, thumbnails) and reports the end of
 * every authorized stream exactly once.
 */
export function createNmsIngest(options: NmsIngestOptions): IngestServer {
  const { hooks, log } = options;
  const idleMs = options.idleTimeoutS * 1000;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  routeNmsLogs(log);

  const connections = new Set<RtmpConnection>();
  const byStream = new Map<string, Publication>();
  const byConn = new Map<RtmpConnection, Publication>();
  /** Keys publishing or being authorized here: one encoder per key, whatever the live domain says. */
  const busyKeys = new Set<string>();
  const listeners = new Set<(event: IngestEvent) => void>();
  const pending = new Set<Promise<unknown>>();
  let server: Server | null = null;
  let boundPort = 0;
  let stopping = false;
  let sweeper: NodeJS.Timeout | null = null;

  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => {});
    return p;
  };

  function emit(event: IngestEvent): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        log.error({ err, event: event.type }, 'ingest event listener failed');
      }
    }
  }

  function callHook(pub: Publication, name: string, call: () => Promise<void> | void): void {
    pub.hooks = track(
      pub.hooks.then(call).catch((err) => pub.log.error({ err, hook: name }, `ingest hook ${name} failed`)),
    );
  }

  function refuse(
    conn: RtmpConnection,
    name: string,
    reason: string,
    tellEncoder: string,
    fields = {},
  ): void {
    log.warn({ ip: conn.ip, ...fields }, `publish refused: ${reason}`);
    conn.reject(tellEncoder);
    emit({ type: 'rejected', name, reason });
  }

  async function onPublishRequest(conn: RtmpConnection, app: string, name: string): Promise<void> {
    if (stopping) {
      refuse(conn, name, 'server is shutting down', 'The server is shutting down.');
      return;
    }
    if (app !== INGEST_APP) {
      refuse(conn, name, 'unknown application', `Publish to /${INGEST_APP}/<stream key>.`, {
        app: app.slice(0, 40),
      });
      return;
    }
    const parsed = parseStreamName(name);
    if (!parsed) {
      refuse(conn, name, 'malformed stream name', 'That is not a valid stream key.');
      return;
    }
    const key = parsed.key;
    if (busyKeys.has(key)) {
      refuse(conn, name, 'this stream key is already publishing', 'This stream key is already LIVE.', {
        key: redactKey(key),
      });
      return;
    }
    busyKeys.add(key);
    let result: { streamId: string } | null = null;
    try {
      result = await track(hooks.authorizePublish({ app, name, clientIp: conn.ip }));
    } catch (err) {
      log.error({ err, ip: conn.ip, key: redactKey(key) }, 'authorizePublish failed; refusing the publish');
    }
    if (!result) {
      busyKeys.delete(key);
      refuse(conn, name, 'stream key not authorized', 'Unknown stream key, or this key is already LIVE.', {
        key: redactKey(key),
      });
      return;
    }
    if (byStream.has(result.streamId)) {
      busyKeys.delete(key);
      refuse(conn, name, 'authorized stream id is already publishing', 'This stream is already LIVE.', {
        streamId: result.streamId,
      });
      return;
    }
    const pub: Publication = {
      streamId: result.streamId,
      name,
      key,
      conn,
      broadcast: new FlvBroadcast(log.child({ streamId: result.streamId })),
      log: log.child({ streamId: result.streamId }),
      live: false,
      ended: false,
      packets: 0,
      liveTimer: null,
      hooks: Promise.resolve(),
    };
    byStream.set(pub.streamId, pub);
    byConn.set(conn, pub);
    if (conn.state === 'closed' || stopping) {
      endPublication(pub, stopping ? 'shutdown' : 'stopped');
      return;
    }
    conn.accept();
    pub.log.info({ ip: conn.ip, key: redactKey(key) }, 'publish accepted');
    pub.liveTimer = setTimeout(() => {
      if (pub.packets > 0) markLive(pub);
    }, NO_KEYFRAME_GRACE_MS);
  }

  function onPacket(conn: RtmpConnection, packet: AvPacket): void {
    const pub = byConn.get(conn);
    if (!pub || pub.ended) return;
    pub.packets++;
    const kind = pub.broadcast.push(packet);
    if (kind === 'metadata' || kind === 'header') {
      const { width, height } = pub.broadcast.tracker.info;
      if (width && height && width * height > maxPixels) {
        pub.log.warn(
          { width, height, maxPixels },
          `stream refused: ${width}x${height} is above the size limit`,
        );
        endPublication(pub, 'error');
        return;
      }
    }
    if (kind === 'keyframe') markLive(pub);
  }

  function markLive(pub: Publication): void {
    if (pub.live || pub.ended) return;
    pub.live = true;
    if (pub.liveTimer) clearTimeout(pub.liveTimer);
    const info = pub.broadcast.tracker.info;
    pub.log.info({ info }, 'stream is LIVE');
    emit({ type: 'published', streamId: pub.streamId, name: pub.name, info });
    callHook(pub, 'published', () => hooks.published(pub.streamId, info));
  }

  function endPublication(pub: Publication, reason: UnpublishReason): void {
    if (pub.ended) return;
    pub.ended = true;
    if (pub.liveTimer) clearTimeout(pub.liveTimer);
    byStream.delete(pub.streamId);
    byConn.delete(pub.conn);
    busyKeys.delete(pub.key);
    pub.broadcast.end();
    if (reason === 'stopped') pub.conn.end();
    else pub.conn.destroy();
    pub.log.info({ reason, wasLive: pub.live }, `stream ended (${reason})`);
    emit({ type: 'unpublished', streamId: pub.streamId, name: pub.name, reason });
    callHook(pub, 'unpublished', () => hooks.unpublished(pub.streamId, reason));
  }

  function onClose(conn: RtmpConnection, error: string | null): void {
    connections.delete(conn);
    const pub = byConn.get(conn);
    if (!pub) return;
    if (error) pub.log.warn({ ip: conn.ip, error }, 'publisher connection lost');
    endPublication(pub, error ? 'error' : 'stopped');
  }

  function sweep(): void {
    const now = Date.now();
    for (const conn of connections) {
      if (conn.state === 'publishing') {
        const pub = byConn.get(conn);
        if (pub && now - conn.lastDataAt > idleMs) {
          pub.log.warn(
            { ip: conn.ip, idleS: options.idleTimeoutS },
            'no data from the encoder; ending the stream',
          );
          endPublication(pub, 'timeout');
        }
      } else if (conn.state === 'handshake' && now - conn.connectedAt > PUBLISH_DEADLINE_MS) {
        log.info({ ip: conn.ip }, 'RTMP connection closed: no publish within 10 s');
        conn.destroy();
      } else if (conn.state === 'authorizing' && now - conn.lastDataAt > AUTHORIZE_DEADLINE_MS) {
        // The encoder has waited long enough; if the answer still comes, the stream ends at once.
        log.error({ ip: conn.ip }, 'publish authorization is taking too long; hanging up');
        conn.destroy();
      }
    }
  }

  return {
    get port() {
      return boundPort;
    },

    async start() {
      if (server) return;
      stopping = false;
      const srv = createServer((socket) => {
        if (stopping) return socket.destroy();
        const conn = new RtmpConnection(socket, log, {
          onPublishRequest: (c, app, name) => {
            onPublishRequest(c, app, name).catch((err) => {
              log.error({ err, ip: c.ip }, 'publish handling failed');
              c.destroy();
            });
          },
          onPacket,
          onUnpublish: (c) => {
            const pub = byConn.get(c);
            if (pub) endPublication(pub, 'stopped');
          },
          onClose,
        });
        connections.add(conn);
      });
      srv.maxConnections = 2000;
      await new Promise<void>((resolve, reject) => {
        srv.once('error', (err: NodeJS.ErrnoException) =>
          reject(
            err.code === 'EADDRINUSE'
              ? new Error(
                  `RTMP port ${options.rtmpPort} on ${options.host} is already in use (set RTMP_PORT)`,
                )
              : err,
          ),
        );
        srv.listen(options.rtmpPort, options.host, () => resolve());
      });
      srv.on('error', (err) => log.error({ err }, 'RTMP server error'));
      server = srv;
      const address = srv.address();
      boundPort = typeof address === 'object' && address ? address.port : options.rtmpPort;
      sweeper = setInterval(sweep, 1000);
      sweeper.unref();
      log.info({ port: boundPort, host: options.host }, 'RTMP ingest listening');
    },

    async stop() {
      stopping = true;
      if (sweeper) clearInterval(sweeper);
      sweeper = null;
      const srv = server;
      server = null;
      const closed = srv ? new Promise<void>((resolve) => srv.close(() => resolve())) : Promise.resolve();
      for (const pub of [...byStream.values()]) endPublication(pub, 'shutdown');
      for (const conn of connections) conn.destroy();
      const deadline = new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref());
      // Authorizations still in flight end their streams as 'shutdown' when they return.
      while (pending.size > 0) {
        const settled = await Promise.race([Promise.allSettled([...pending]).then(() => true), deadline]);
        if (settled !== true) {
          log.warn({ pending: pending.size }, 'ingest stop: hook calls still running');
          break;
        }
      }
      await closed;
      boundPort = 0;
    },

    isLive(streamId) {
      const pub = byStream.get(streamId);
      return !!pub && pub.live && !pub.ended;
    },

    playFlv(streamId, req, res) {
      const pub = byStream.get(streamId);
      if (!pub?.live || pub.ended) return false;
      res.writeHead(200, {
        'content-type': 'video/x-flv',
        'cache-control': 'no-cache, no-store',
        'x-content-type-options': 'nosniff',
      });
      req.socket.setNoDelay(true);
      const detach = pub.broadcast.attach(
        {
          write: (chunk) => {
            res.write(chunk);
          },
          bufferedBytes: () => res.writableLength,
          end: () => res.end(),
        },
        false,
      );
      res.on('close', detach);
      return true;
    },

    viewerCount(streamId) {
      return byStream.get(streamId)?.broadcast.viewerCount ?? 0;
    },

    attachFlv(streamId, sink) {
      const pub = byStream.get(streamId);
      if (!pub?.live || pub.ended) return null;
      return pub.broadcast.attach(sink, true);
    },

    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    kick(streamId) {
      const pub = byStream.get(streamId);
      if (!pub) return;
      pub.log.info('stream kicked');
      endPublication(pub, 'kicked');
    },
  };
}
