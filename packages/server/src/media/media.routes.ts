import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../errors.ts';
import { type BrowserBridgeOptions, browserIngestRoutes } from './browser-bridge.ts';
import { HLS_PLAYLIST, HLS_SEGMENT } from './hls.ts';
import type { IngestServer } from './ingest.ts';

export interface MediaRoutesOptions {
  ingest: Pick<IngestServer, 'isLive' | 'playFlv'>;
  hlsDir: string;
  thumbsDir: string;
  /** Browser go-live; null leaves the WebSocket route out. */
  bridge: BrowserBridgeOptions | null;
}

const StreamParams = z.object({ streamId: z.uuid() });
const SegmentParams = z.object({ streamId: z.uuid(), segment: z.string().regex(HLS_SEGMENT) });

const notLive = () => notFound('stream.not_found', 'This stream is not LIVE.');

async function readOrNull(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Playback (public, embeddable from any origin): live HTTP-FLV, HLS playlist and segments, the
 * thumbnail. Plus the browser go-live WebSocket. Mounted at the root: /live/<streamId>…
 */
export async function mediaRoutes(app: FastifyInstance, options: MediaRoutesOptions): Promise<void> {
  await app.register(async (scope) => {
    const r = scope.withTypeProvider<ZodTypeProvider>();
    // A viewer's response lasts as long as the stream: left open, it would hold app.close() forever.
    const viewers = new Set<ServerResponse>();
    r.addHook('preClose', async () => {
      for (const res of viewers) {
        // A viewer that is behind would keep the end queued behind its buffer, and the server's
        // close would wait for it: cut it now; give the others a short grace to read the end.
        if (res.writableLength > 0) {
          res.destroy();
          continue;
        }
        res.end();
        setTimeout(() => res.destroy(), 1000).unref();
      }
    });
    // Players on other sites fetch streams with XHR/fetch (flv.js, hls.js): allow any origin to read.
    r.addHook('onSend', async (_request, reply) => {
      reply.header('access-control-allow-origin', '*');
      reply.header('cross-origin-resource-policy', 'cross-origin');
    });
    const tags = ['media'];

    r.get(
      '/live/:streamId.flv',
      {
        config: { auth: 'public' },
        schema: { params: StreamParams, tags, summary: 'Watch a LIVE stream as HTTP-FLV (lowest latency)' },
      },
      async (request, reply) => {
        const { streamId } = request.params;
        if (!options.ingest.isLive(streamId)) throw notLive();
        // A HEAD would otherwise hold the connection open for the whole stream with no body to send.
        if (request.method === 'HEAD')
          return reply.type('video/x-flv').header('cache-control', 'no-cache').send();
        reply.hijack();
        reply.raw.setHeader('access-control-allow-origin', '*');
        reply.raw.setHeader('cross-origin-resource-policy', 'cross-origin');
        reply.raw.setHeader('x-request-id', request.id);
        if (options.ingest.playFlv(streamId, request.raw, reply.raw)) {
          viewers.add(reply.raw);
          reply.raw.once('close', () => viewers.delete(reply.raw));
        } else {
          // Ended between the check and here.
          reply.raw.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
          reply.raw.end(
            JSON.stringify({
              error: { code: 'stream.not_found', message: 'This stream is not LIVE.' },
              requestId: request.id,
            }),
          );
        }
      },
    );

    r.get(
      '/live/:streamId/index.m3u8',
      {
        config: { auth: 'public' },
        schema: { params: StreamParams, tags, summary: 'Watch a LIVE stream as HLS: the live playlist' },
      },
      async (request, reply) => {
        const playlist = await readOrNull(path.join(options.hlsDir, request.params.streamId, HLS_PLAYLIST));
        if (!playlist) throw notLive();
        return reply
          .type('application/vnd.apple.mpegurl')
          .header('cache-control', 'no-cache, no-store')
          .send(playlist);
      },
    );

    r.get(
      '/live/:streamId/thumbnail.jpg',
      {
        config: { auth: 'public' },
        schema: { params: StreamParams, tags, summary: 'The latest still of a stream (360 px wide JPEG)' },
      },
      async (request, reply) => {
        const jpeg = await readOrNull(path.join(options.thumbsDir, `${request.params.streamId}.jpg`));
        if (!jpeg) throw notFound('stream.not_found', 'This stream has no thumbnail.');
        return reply.type('image/jpeg').header('cache-control', 'public, max-age=10').send(jpeg);
      },
    );

    r.get(
      '/live/:streamId/:segment',
      {
        config: { auth: 'public' },
        schema: { params: SegmentParams, tags, summary: 'An HLS segment of a LIVE stream' },
      },
      async (request, reply) => {
        const { streamId, segment } = request.params;
        const data = await readOrNull(path.join(options.hlsDir, streamId, segment));
        if (!data)
          throw notFound('stream.not_found', 'No such segment (it may have rolled out of the playlist).');
        // Segments never change once listed; they only disappear.
        return reply.type('video/mp2t').header('cache-control', 'public, max-age=60').send(data);
      },
    );
  });

  if (options.bridge) await app.register(browserIngestRoutes, options.bridge);
}
