import { API_PREFIX, ErrorBody } from '@onair/protocol';
import type { z } from 'zod';
import { OnAirError } from './errors.ts';

/** A fresh idempotency key for a money request (keep it to retry the same request safely). */
export const newIdempotencyKey = (): string => globalThis.crypto.randomUUID();

export function queryString(query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  return params.size ? `?${params}` : '';
}

export interface OnAirClientOptions {
  /** Server origin, e.g. http://localhost:8080; '' for same-origin use in the browser. */
  baseUrl?: string;
  /** Bearer token (API token or session token); browsers use the session cookie instead. */
  token?: string;
  fetch?: typeof fetch;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * The transport under the typed client: one request() that checks every response against the same
 * zod schema the server answers with, so a server/client mismatch fails loudly here rather than deep
 * in a UI. The API's areas are layered on it (economy-api.ts, studio-battles-api.ts, client.ts).
 */
export class HttpClient {
  protected readonly baseUrl: string;
  protected readonly fetchImpl: typeof fetch;
  token: string | undefined;

  constructor(options: OnAirClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.token = options.token;
  }

  async request<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.baseUrl}${API_PREFIX}${path}`, {
        method,
        headers,
        credentials: 'include',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new OnAirError('network', 0, `Could not reach the server: ${(err as Error).message}`);
    }
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      const parsed = ErrorBody.safeParse(json);
      if (parsed.success) {
        const { code, message, data } = parsed.data.error;
        throw new OnAirError(code, res.status, message, data, parsed.data.requestId);
      }
      throw new OnAirError('protocol', res.status, `Unexpected ${res.status} response`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new OnAirError(
        'protocol',
        res.status,
        `Response did not match the protocol: ${parsed.error.message}`,
      );
    return parsed.data;
  }

  /** Absolute URL of a media path the API returned (flvUrl, hlsUrl, thumbnailUrl are server-relative). */
  mediaUrl(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  /** ws(s):// URL of the realtime gateway for this server. */
  realtimeUrl(): string {
    const { location } = globalThis as { location?: { origin: string } };
    const base = this.baseUrl || (location?.origin ?? '');
    return `${base.replace(/^http/, 'ws')}${API_PREFIX}/ws`;
  }
}
