import { API_PREFIX, type PublicUser } from '@onair/protocol';
import type { FastifyInstance } from 'fastify';
import type { LeaguesService } from './leagues.service.ts';

type Payload = Record<string, unknown>;
type Badge = PublicUser['league'];

/** Where the public payloads name a creator: the room (its `creator`) and the profile (itself). */
const BADGED: Record<string, { of: (p: Payload) => unknown; with: (p: Payload, league: Badge) => Payload }> =
  {
    [`${API_PREFIX}/rooms/:handle`]: {
      of: (p) => (p.creator as PublicUser | undefined)?.id,
      with: (p, league) => ({ ...p, creator: { ...(p.creator as PublicUser), league } }),
    },
    [`${API_PREFIX}/users/:handle`]: { of: (p) => p.id, with: (p, league) => ({ ...p, league }) },
  };

/**
 * Adds the creator's league badge (`league: { tier }`) to the room and profile payloads as they are
 * sent. The live and accounts modules build those payloads without knowing leagues exist; this
 * hook is the one place that joins them, so neither module reads league tables. A creator outside
 * the league gets no field, and a failed lookup leaves the payload as it was.
 */
export function leagueBadges(app: FastifyInstance, leagues: Pick<LeaguesService, 'badge'>) {
  app.addHook('preSerialization', async (request, reply, payload) => {
    const pick = BADGED[request.routeOptions.url ?? ''];
    if (!pick || reply.statusCode !== 200 || typeof payload !== 'object' || payload === null) return payload;
    const id = pick.of(payload as Payload);
    if (typeof id !== 'string') return payload;
    try {
      const tier = await leagues.badge(id);
      // A copy: the payload may be a cached object the owning module hands out again.
      if (tier) return pick.with(payload as Payload, { tier });
    } catch (err) {
      request.log.warn({ err }, 'league badge lookup failed');
    }
    return payload;
  });
}
