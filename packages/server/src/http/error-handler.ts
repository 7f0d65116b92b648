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
