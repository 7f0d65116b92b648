import { connect } from 'node:net';

export interface WireAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Requests no HTTP client library would send (app.inject never reaches Node's HTTP parser, where
 * over-long URLs and headers, control bytes and conflicting framing are refused).
 */
export const MALFORMED_REQUESTS: [string, string][] = [
  ['an over-long URL', `GET /api/v1/users/${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`],
  ['an over-long header', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`],
  [
    'an over-long cookie',
    `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nCookie: onair_session=${'a'.repeat(40_000)}\r\n\r\n`,
  ],
  ['bad percent-encoding', 'GET /api/v1/users/%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['bad percent-encoding in the query', 'GET /api/v1/feed?tab=%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['an encoded NUL', 'GET /api/v1/users/a%00b HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['a control byte in a header', 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n'],
  ['a space in a header name', 'GET /healthz HTTP/1.1\r\nHost: x\r\nX A: b\r\n\r\n'],
  ['a malformed request line', 'GARBAGE\r\n\r\n'],
  ['an unknown HTTP version', 'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n'],
  [
    'both Content-Length and chunked',
    'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  ],
  [
    'a broken chunk',
    'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
  ],
  [
    'two Content-Lengths',
    'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
  ],
  [
    'a body in UTF-16',
    'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json; charset=utf-16\r\nContent-Length: 2\r\n\r\n{}',
  ],
];

function dechunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = Number.parseInt(body.subarray(at, eol).toString(), 16);
    if (!size) break;
    out.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** Sends raw bytes and reads the answer until the server closes (or `timeoutMs`); null when it said nothing. */
export function rawRequest(
  port: number,
  request: string | Buffer,
  timeoutMs = 15_000,
): Promise<WireAnswer | null> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (d) => chunks.push(d));
    // A server that refuses a request may reset the connection while we are still writing.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks);
      const split = raw.indexOf('\r\n\r\n');
      if (split < 0) return resolve(null);
      const [statusLine, ...lines] = raw.subarray(0, split).toString('latin1').split('\r\n');
      const status = Number(statusLine?.split(' ')[1]);
      if (!Number.isInteger(status)) return reject(new Error(`not an HTTP answer: ${statusLine}`));
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      let body: Buffer = raw.subarray(split + 4);
      if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
      resolve({ status, headers, body: body.toString() });
    });
    // Ask for the connection to end with this one answer, so "closed" means "done". The socket is not
    // half-closed: Node aborts a request whose client has ended its side before the answer is ready.
    const text = typeof request === 'string' ? request : request.toString('latin1');
    const closing = text.replace('\r\n', '\r\nConnection: close\r\n');
    socket.write(Buffer.from(closing, 'latin1'));
  });
}
