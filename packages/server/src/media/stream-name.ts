/** The only RTMP application we accept: rtmp://host:RTMP_PORT/live/<name>. */
export const INGEST_APP = 'live';

// Keys are long random tokens; the optional "~suffix" makes each browser broadcast its own stream name,
// because a name reused from the same address would otherwise look like a reconnect.
const STREAM_NAME = /^([A-Za-z0-9_-]{1,128})(?:~([A-Za-z0-9_-]{1,64}))?$/;

export interface StreamName {
  key: string;
  suffix: string | null;
}

export function parseStreamName(name: string): StreamName | null {
  const m = STREAM_NAME.exec(name);
  return m ? { key: m[1]!, suffix: m[2] ?? null } : null;
}

/** For logs: enough to tell keys apart, never enough to use one. */
export function redactKey(key: string): string {
  return `${key.slice(0, 4)}…`;
}
