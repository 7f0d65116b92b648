import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CSP_REPORT_PATH } from './security-headers.ts';

/** A browser sends a few hundred bytes per violation; the Reporting API batches several. */
const REPORT_BODY_LIMIT = 16_384;
const MAX_LOGGED = 10;

const Fields = z.record(z.string(), z.unknown());
/** report-uri: one violation, `application/csp-report`. */
const LegacyReport = z.object({ 'csp-report': Fields });
/** report-to (Reporting API): a batch, `application/reports+json`. */
const ReportBatch = z
  .array(z.object({ type: z.string(), url: z.string().optional(), body: Fields }))
  .max(100);
export const CspReportBody = z.union([LegacyReport, ReportBatch]);

const text = (v: unknown) =>
  typeof v === 'string' ? v.slice(0, 300) : typeof v === 'number' ? v : undefined;

/** One violation in one vocabulary, whichever of the two formats it came in. */
function violations(body: z.infer<typeof CspReportBody>) {
  const reports = Array.isArray(body)
    ? body.filter((r) => r.type === 'csp-violation').map((r) => r.body)
    : [body['csp-report']];
  return reports.slice(0, MAX_LOGGED).map((r) => ({
    document: text(r.documentURL ?? r['document-uri']),
    directive: text(r.effectiveDirective ?? r['effective-directive'] ?? r['violated-directive']),
    blocked: text(r.blockedURL ?? r['blocked-uri']),
    source: text(r.sourceFile ?? r['source-file']),
    line: text(r.lineNumber ?? r['line-number']),
    sample: text(r.sample ?? r['script-sample']),
    disposition: text(r.disposition),
  }));
}

function parseJson(
  _request: FastifyRequest,
  body: string,
  done: (err: Error | null, body?: unknown) => void,
) {
  try {
    done(null, JSON.parse(body));
  } catch (err) {
    (err as FastifyError).statusCode = 400;
    done(err as Error);
  }
}

/**
 * Where browsers report Content-Security-Policy violations. Public (browsers send no credentials
 * with reports), small, rate-limited, and it always answers 204 or a 4xx: a report is a hint for
 * the operator, logged at warn, never something that can fail the server.
 */
export async function cspReportRoutes(app: FastifyInstance) {
  // Its own scope: the report content types are accepted here and nowhere else.
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      ['application/csp-report', 'application/reports+json'],
      { parseAs: 'string', bodyLimit: REPORT_BODY_LIMIT },
      parseJson,
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      CSP_REPORT_PATH,
      {
        bodyLimit: REPORT_BODY_LIMIT,
        config: { auth: 'public', rateLimit: { limit: 'cspReports', by: 'address' } },
        schema: {
          tags: ['ops'],
          summary: 'Receive Content-Security-Policy violation reports from browsers',
          body: CspReportBody,
          response: { 204: z.null().describe('Received') },
        },
      },
      async (request, reply) => {
        for (const violation of violations(request.body)) {
          request.log.warn({ csp: violation }, 'content security policy violation reported');
        }
        return reply.code(204).send(null);
      },
    );
  });
}
