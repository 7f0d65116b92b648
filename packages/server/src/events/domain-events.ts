import type { GiftEvent } from '@onair/protocol';
import type { Logger } from 'pino';

/**
 * Every domain event one module tells others about, with its payload. In-process only: each is
 * heard on the node that emitted it (what other nodes must see travels on the bus, as frames).
 * docs/ARCHITECTURE.md lists who emits and who listens.
 */
export interface DomainEventMap {
  /** A LIVE session's first media arrived: the room is LIVE (once per session). */
  'live.session_started': { sessionId: string; creatorId: string; liveAt: Date };
  /** A LIVE session ended (publisher gone, key regenerated, restart) and its summary is stored. */
  'live.session_ended': { sessionId: string };
  /** A first follow; `ref` is the share link code that brought the follower, if any. */
  'social.followed': { followerId: string; creatorId: string; ref: string | undefined };
  /** A gift committed to the ledger, as its room is told about it. */
  'economy.gift_committed': GiftEvent;
  /** A creator invited another, LIVE now, to a battle (once the invite is stored). */
  'battles.invited': { battleId: string; inviterId: string; inviteeId: string; expiresAt: Date };
  /** A withdrawal's cash left the platform (once its ledger entry is committed). */
  'economy.withdrawal_paid': { withdrawalId: string; userId: string; netCents: number; currency: string };
}

export type DomainEventName = keyof DomainEventMap;

/** The declared events, checked against the map above (a name missing here fails to compile). */
const declared: Record<DomainEventName, true> = {
  'live.session_started': true,
  'live.session_ended': true,
  'social.followed': true,
  'economy.gift_committed': true,
  'battles.invited': true,
  'economy.withdrawal_paid': true,
};
export const DOMAIN_EVENT_NAMES = Object.keys(declared) as DomainEventName[];

export type DomainListener<N extends DomainEventName> = (payload: DomainEventMap[N]) => void | Promise<void>;

export interface DomainEvents {
  /** Adds a listener; the returned function removes it. */
  on<N extends DomainEventName>(name: N, listener: DomainListener<N>): () => void;
  /**
   * Calls every listener of `name` in the order they were added, each started before the next (a
   * synchronous listener has finished by then), and resolves once every one has settled. A listener
   * that throws or rejects is logged and skipped: the others still run, and the promise never
   * rejects, so an emitter that awaits it (the end of a session) is never undone by a listener.
   */
  emit<N extends DomainEventName>(name: N, payload: DomainEventMap[N]): Promise<void>;
}

const settled: Promise<void> = Promise.resolve();

/** The in-process event hub; one per app, handed to each service that emits or listens. */
export function createDomainEvents({ log }: { log: Pick<Logger, 'error'> }): DomainEvents {
  const listeners = new Map<DomainEventName, DomainListener<never>[]>();

  const failed = (name: DomainEventName, payload: unknown, err: unknown) =>
    log.error({ err, event: name, payload }, 'domain event listener failed');

  return {
    on(name, listener) {
      const list = listeners.get(name) ?? [];
      listeners.set(name, [...list, listener as DomainListener<never>]);
      return () => {
        const now = listeners.get(name) ?? [];
        const i = now.indexOf(listener as DomainListener<never>);
        if (i >= 0) listeners.set(name, now.toSpliced(i, 1));
      };
    },

    emit(name, payload) {
      // The list is replaced, never changed in place: a listener added or removed while this
      // event is delivered does not change who hears it.
      const list = listeners.get(name);
      if (!list) return settled;
      const pending: Promise<void>[] = [];
      for (const listener of list) {
        try {
          const result = (listener as DomainListener<typeof name>)(payload);
          if (result) pending.push(result.catch((err: unknown) => failed(name, payload, err)));
        } catch (err) {
          failed(name, payload, err);
        }
      }
      // The hot path (a gift, heard by synchronous listeners) has nothing to wait for.
      return pending.length > 0 ? Promise.all(pending).then(() => undefined) : settled;
    },
  };
}
