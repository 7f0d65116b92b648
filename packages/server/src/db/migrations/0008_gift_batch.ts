import { type Kysely, sql } from 'kysely';

/**
 * `onair_send_gifts`: commits a batch of gifts in one statement, locks included.
 *
 * Why a function: every gift batch holds the hot creator's and the system accounts' rows until it
 * commits, so batches commit one at a time. Run from Node, that critical section spanned four round
 * trips (lock, flush, commit, and the Node turns between them, spent behind whatever else the event
 * loop had queued). Here it is the database's own work only: lock, apply, write, commit; the next
 * batch's call is already waiting on the lock and Node prepares the one after meanwhile.
 *
 * The rules are the ones in `@onair/core` (`applyPosting`, `creatorShare`), applied in batch order:
 * a gift the sender can't pay is refused on its own and the others go on. A test runs random batches
 * through both and compares every balance, carry and diamond.
 *
 * Accounts come as a sorted list (locked in that order, as every ledger writer does, so no deadlock)
 * and each gift names its sender's and creator's accounts by position in it. Per gift it returns the
 * transfer id (null: refused for want of coins), the sender's coin balance after it (or, refused, the
 * balance it met) and the diamonds credited; the commit time comes once, on the first row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function onair_send_gifts(
      p_accounts bigint[], p_sink int, p_issuance int, p_share_bps int,
      p_keys text[], p_hashes text[], p_sender_ix int[], p_creator_ix int[], p_coins bigint[],
      p_sender_ids uuid[], p_creator_ids uuid[], p_sessions uuid[], p_gifts text[],
      p_quantities int[], p_streak_ids text[], p_streak_counts int[]
    ) returns table (transfer_id bigint, balance_after bigint, diamonds bigint, created_at timestamptz)
    language plpgsql as $fn$
    #variable_conflict use_column
    declare
      n int := coalesce(array_length(p_keys, 1), 0);
      bal bigint[];
      car int[];
      ids bigint[] := array_fill(null::bigint, array[n]);
      sender_after bigint[] := array_fill(0::bigint, array[n]);
      sink_after bigint[] := array_fill(0::bigint, array[n]);
      issuance_after bigint[] := array_fill(0::bigint, array[n]);
      creator_after bigint[] := array_fill(0::bigint, array[n]);
      dia bigint[] := array_fill(0::bigint, array[n]);
      s int;
      c int;
      cost bigint;
      units bigint;
      d bigint;
    begin
      if n = 0 then
        return;
      end if;
      select array_agg(a.balance order by a.id), array_agg(a.carry order by a.id)
        into bal, car
        from (select id, balance, carry from ledger_accounts
              where id = any(p_accounts) order by id for update) a;
      if coalesce(array_length(bal, 1), 0) <> array_length(p_accounts, 1) then
        raise exception 'onair_send_gifts: % of % accounts exist', coalesce(array_length(bal, 1), 0),
          array_length(p_accounts, 1);
      end if;

      for i in 1..n loop
        s := p_sender_ix[i];
        c := p_creator_ix[i];
        cost := p_coins[i];
        -- The caller's bugs, never a user's: fail the batch rather than post from a missing account.
        if cost is null or cost <= 0 or s is null or c is null or bal[s] is null or bal[c] is null then
          raise exception 'onair_send_gifts: gift % is malformed (cost %, accounts % and %)', i, cost, s, c;
        end if;
        if bal[s] < cost then
          sender_after[i] := bal[s];
          continue;
        end if;
        bal[s] := bal[s] - cost;
        sender_after[i] := bal[s];
        bal[p_sink] := bal[p_sink] + cost;
        sink_after[i] := bal[p_sink];
        units := cost * (10000 - p_share_bps) + car[c];
        d := units / 10000;
        car[c] := units % 10000;
        if d > 0 then
          bal[p_issuance] := bal[p_issuance] - d;
          issuance_after[i] := bal[p_issuance];
          bal[c] := bal[c] + d;
          creator_after[i] := bal[c];
        end if;
        dia[i] := d;
        ids[i] := nextval('ledger_transfers_id_seq');
      end loop;

      insert into ledger_transfers (id, idempotency_key, kind, request_hash) overriding system value
      select v.id, v.k, 'gift', v.h
      from unnest(ids, p_keys, p_hashes) as v(id, k, h)
      where v.id is not null;

      insert into ledger_postings (account_id, transfer_id, asset, amount, balance_after)
      select x.account, v.id, x.asset, x.amount, x.after
      from unnest(ids, p_sender_ix, p_creator_ix, p_coins, dia, sender_after, sink_after,
                  issuance_after, creator_after) as v(id, s, c, cost, d, sa, ka, ia, ca)
      cross join lateral (values
        (p_accounts[v.s], 'COIN', -v.cost, v.sa),
        (p_accounts[p_sink], 'COIN', v.cost, v.ka),
        (p_accounts[p_issuance], 'DIAMOND', -v.d, v.ia),
        (p_accounts[v.c], 'DIAMOND', v.d, v.ca)) as x(account, asset, amount, after)
      where v.id is not null and x.amount <> 0;

      insert into gift_events (transfer_id, sender_id, creator_id, session_id, gift_id, quantity, coins,
                               diamonds, streak_id, streak_count)
      select v.id, v.sender, v.creator, v.session, v.gift, v.quantity, v.coins, v.d, v.streak, v.streak_count
      from unnest(ids, p_sender_ids, p_creator_ids, p_sessions, p_gifts, p_quantities, p_coins, dia,
                  p_streak_ids, p_streak_counts)
        as v(id, sender, creator, session, gift, quantity, coins, d, streak, streak_count)
      where v.id is not null;

      update ledger_accounts a set balance = v.balance, carry = v.carry
      from unnest(p_accounts, bal, car) as v(id, balance, carry)
      where a.id = v.id and (a.balance <> v.balance or a.carry <> v.carry);

      return query
        select v.id, v.after, v.d, case when v.n = 1 then now() end
        from unnest(ids, sender_after, dia) with ordinality as v(id, after, d, n);
    end
    $fn$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists onair_send_gifts`.execute(db);
}
