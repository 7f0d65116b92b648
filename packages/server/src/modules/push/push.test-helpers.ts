import type { FastifyInstance } from 'fastify';
import type { StandInSubscription } from '../../testing/push-service.ts';

type Auth = { authorization: string };

/** Adds a stand-in subscription as one of this user's devices, through the API. */
export async function addDevice(app: FastifyInstance, auth: Auth, sub: StandInSubscription, name?: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/push/devices',
    headers: auth,
    payload: {
      subscription: { endpoint: sub.endpoint, expirationTime: null, keys: sub.keys },
      ...(name ? { name } : {}),
    },
  });
  if (res.statusCode !== 201) throw new Error(`adding a device failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; name: string };
}

/** Runs every due job (fan-outs, then the sends they schedule) until none is left. */
export async function drainJobs(app: FastifyInstance): Promise<void> {
  while ((await app.services.jobs.runDue()) > 0);
}

export async function follow(app: FastifyInstance, auth: Auth, handle: string, notify = true) {
  await app.inject({ method: 'PUT', url: `/api/v1/users/${handle}/follow`, headers: auth });
  if (!notify)
    await app.inject({
      method: 'PUT',
      url: `/api/v1/users/${handle}/follow/notify`,
      headers: auth,
      payload: { notify: false },
    });
}
