import type { WebSocket } from 'ws';
import type { Bus } from './bus.ts';

/**
 * Local fan-out for per-user and per-stream topics: one bus subscription per topic per node, however
 * many sockets on this node care, so a node only hears about what its own clients are attached to.
 */
export function createTopicHub(bus: Bus) {
  const local = new Map<string, { sockets: Set<WebSocket>; off: Promise<() => Promise<void>> }>();
  return {
    /** Resolves once the bus subscription is in place: from then on, nothing published is missed. */
    attach(topic: string, socket: WebSocket) {
      let entry = local.get(topic);
      if (!entry) {
        const sockets = new Set<WebSocket>();
        const off = bus.subscribe(topic, (message) => {
          const text = JSON.stringify(message);
          for (const s of sockets) if (s.readyState === s.OPEN) s.send(text);
        });
        entry = { sockets, off };
        local.set(topic, entry);
      }
      entry.sockets.add(socket);
      return entry.off.then(() => undefined);
    },
    detach(topic: string, socket: WebSocket) {
      const entry = local.get(topic);
      if (!entry?.sockets.delete(socket) || entry.sockets.size > 0) return;
      local.delete(topic);
      void entry.off.then((off) => off());
    },
  };
}
