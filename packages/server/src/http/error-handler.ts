import type { Socket } from 'node:net';
import type { ErrorBody, ErrorCode } from '@onair/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError } from '../errors.ts';

function send(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  code: ErrorCode,
  message: string,
  data?: unknown,
) {
  const body: ErrorBody = {
    error: { code, message, ...(data === undefined ? {} : { data }) },
    requestId: request.id,
  };
  const retryAfterMs = (data as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  if (status === 429 && typeof retryAfterMs === 'number') {
    reply.header('retry-after', Math.ceil(retryAfterMs / 1000));
  }
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** Fastify's own client errors, mapped to our codes so clients never see a framework's vocabulary. */
const FASTIFY_CODES: Record<string, [number, ErrorCode, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    415,
    'request.unsupported_media_type',
    'Send JSON (Content-Type: application/json).',
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'request.too_large', 'The request body is too large.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'request.malformed_json', 'The JSON body is empty.'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'request.malformed_json', 'The body is not valid JSON.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'request.invalid', 'Content-Length does not match the body.'],
};

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof AppError) return send(reply, request, err.status, err.code, err.message, err.data);

    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({
        path: `${err.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`,
        message: v.message ?? 'invalid',
      }));
      const first = issues[0];
      const message = first ? `${first.path}: ${first.message}` : 'The request is invalid.';
      return send(reply, request, 400, 'request.invalid', message, { issues });
    }

    const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (mapped) return send(reply, request, mapped[0], mapped[1], mapped[2]);
    // JSON.parse errors surface as a SyntaxError with status 400.
    if (err instanceof SyntaxError && err.statusCode === 400) {
      return send(reply, request, 400, 'request.malformed_json', 'The body is not valid JSON.');
    }
    if (err.statusCode === 429) {
      return send(
        reply,
        request,
        429,
        'request.rate_limited',
        err.message || 'Too many requests. Try again shortly.',
      );
    }
    if (err.validation) {
      return send(reply, request, 400, 'request.invalid', err.message);
    }

    if (isResponseSerializationError(err))
      request.log.error({ err, issues: err.cause.issues }, 'response did not match its schema');
    else request.log.error({ err }, 'unhandled error');
    return send(reply, request, 500, 'internal', 'Something went wrong on our side. It has been logged.');
  });

  app.setNotFoundHandler((request, reply) =>
    send(
      reply,
      request,
      404,
      'route.not_found',
      `No route for ${request.method} ${request.url.split('?')[0]}.`,
    ),
  );
}

/**
 * Errors the router raises before any route or hook runs (a URL that is not valid percent-encoding).
 * Fastify would answer them with its own body; clients get ours.
 */
export function onFrameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  // No hook runs before routing, so the security headers are not on this reply yet.
  request.server.securityHeaders(reply);
  if (err.code === 'FST_ERR_BAD_URL') {
    return send(reply, request, 400, 'request.bad_url', 'The URL is not valid (bad percent-encoding).');
  }
  request.log.warn({ err }, 'framework error before routing');
  return send(reply, request, 400, 'request.invalid', 'The request could not be routed.');
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers or request line over the
 * limit, garbage on the wire) still get a coded JSON body, then the connection is closed.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket) {
  if (!socket.writable) return socket.destroy(err);
  const [status, reason, code, message]: [number, string, ErrorCode, string] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'Request Header Fields Too Large',
          'request.headers_too_large',
          'The headers or the URL are too long.',
        ]
      : err.code === 'HPE_URI_TOO_LONG'
        ? [414, 'URI Too Long', 'request.url_too_long', 'The URL is too long.']
        : [400, 'Bad Request', 'request.invalid', 'The request is not valid HTTP.'];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\nX-Content-Type-Options: nosniff\r\n\r\n${body}`,
  );
}
