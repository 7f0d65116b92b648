import { type Kysely, sql } from 'kysely';
import * as m0009 from './0009_gift_batch_compact.ts';

/**
 * `onair_send_gifts` checks that each gift's session is still LIVE, in the same transaction as the
 * gift. The caller can then keep the sessions it looked up (instead of reading them before every
 * batch, a round trip in front of each commit): a session that ended meanwhile refuses its gifts, and
 * its position comes back in `offline_sessions`. Otherwise the same as 0009.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop function onair_send_gifts`.execute(db);
  await sql`
    create function onair_send_gifts(
      p_accounts bigint[], p_sink int, p_issuance int, p_share_bps int,
      p_keys text[], p_hashes text[], p_sender_ix int[], p_creator_ix int[], p_coins bigint[],
      p_session_ix int[], p_sessions uuid[], p_gifts text[], p_quantities int[], p_streak_ids text[],
      p_streak_counts int[],
      out transfer_ids bigint[], out balances_after bigint[], out diamonds bigint[],
      out offline_sessions int[], out created_at timestamptz
    ) language plpgsql as $fn$
    declare
      n int := coalesce(array_length(p_keys, 1), 0);
      bal bigint[];
      car int[];
      owners uuid[];
      live boolean[];
      ids bigint[] := array_fill(null::bigint, array[n]);
      sender_after bigint[] := array_fill(0::bigint, array[n]);
      dia bigint[] := array_fill(0::bigint, array[n]);
      -- Balances after each gift's legs, one per gift; the postings are written from these.
      sink_after bigint[] := array_fill(0::bigint, array[n]);
      issuance_after bigint[] := array_fill(0::bigint, array[n]);
      creator_after bigint[] := array_fill(0::bigint, array[n]);
      s int;
      c int;
      cost bigint;
      units bigint;
      d bigint;
    begin
      created_at := now();
      offline_sessions := '{}';
      if n = 0 then
        return;
      end if;
      -- The caller names sessions it believes LIVE (it may cache that); the ledger has the last word.
      select array_agg(exists(select 1 from live_sessions ls where ls.id = x.id and ls.status = 'live')
                       order by x.ord)
        into live
        from unnest(p_sessions) with ordinality as x(id, ord);
      select coalesce(array_agg(x.ord::int order by x.ord), '{}') into offline_sessions
        from unnest(live) with ordinality as x(ok, ord)
        where not x.ok;
      select array_agg(a.balance order by a.id), array_agg(a.carry order by a.id),
             array_agg(a.owner_id order by a.id)
        into bal, car, owners
        from (select l.id, l.balance, l.carry, l.owner_id from ledger_accounts l
              where l.id = any(p_accounts) order by l.id for update) a;
      if coalesce(array_length(bal, 1), 0) <> array_length(p_accounts, 1) then
        raise exception 'onair_send_gifts: % of % accounts exist', coalesce(array_length(bal, 1), 0),
          array_length(p_accounts, 1);
      end if;

      for i in 1..n loop
        s := p_sender_ix[i];
        c := p_creator_ix[i];
        cost := p_coins[i];
        -- The caller's bugs, never a user's: fail the batch rather than post from a missing account.
        if cost is null or cost <= 0 or s is null or c is null or bal[s] is null or bal[c] is null
           or p_sessions[p_session_ix[i]] is null then
          raise exception 'onair_send_gifts: gift % is malformed (cost %, accounts % and %)', i, cost, s, c;
        end if;
        -- Refused as for want of coins (no transfer, the balance it met); the caller tells them apart
        -- by the session's position in offline_sessions.
        if bal[s] < cost or not live[p_session_ix[i]] then
          sender_after[i] := bal[s];
          continue;
        end if;
        ids[i] := nextval('ledger_transfers_id_seq');
        bal[s] := bal[s] - cost;
        sender_after[i] := bal[s];
        bal[p_sink] := bal[p_sink] + cost;
        sink_after[i] := bal[p_sink];
        units := cost * (10000 - p_share_bps) + car[c];
        d := units / 10000;
        car[c] := units % 10000;
        if d > 0 then
          bal[p_issuance] := bal[p_issuance] - d;
          bal[c] := bal[c] + d;
          issuance_after[i] := bal[p_issuance];
          creator_after[i] := bal[c];
        end if;
        dia[i] := d;
      end loop;

      -- The arrays are read with unnest() in a select list, which streams them in step; unnest() in
      -- FROM would first copy every row into a tuplestore (about 9 % of the function's work).
      insert into ledger_transfers (id, idempotency_key, kind, request_hash) overriding system value
      select v.id, v.k, 'gift', v.h
      from (select unnest(ids) as id, unnest(p_keys) as k, unnest(p_hashes) as h) as v
      where v.id is not null;

      -- One leg per branch, each a plain scan of the per-gift arrays (a diamond leg only when the
      -- gift earned a whole diamond).
      insert into ledger_postings (account_id, transfer_id, asset, amount, balance_after)
      select p_accounts[v.s], v.id, 'COIN', -v.cost, v.after
        from (select unnest(ids) as id, unnest(p_sender_ix) as s, unnest(p_coins) as cost,
                    unnest(sender_after) as after) as v
        where v.id is not null
      union all
      select p_accounts[p_sink], v.id, 'COIN', v.cost, v.after
        from (select unnest(ids) as id, unnest(p_coins) as cost, unnest(sink_after) as after) as v
        where v.id is not null
      union all
      select p_accounts[p_issuance], v.id, 'DIAMOND', -v.d, v.after
        from (select unnest(ids) as id, unnest(dia) as d, unnest(issuance_after) as after) as v
        where v.id is not null and v.d > 0
      union all
      select p_accounts[v.c], v.id, 'DIAMOND', v.d, v.after
        from (select unnest(ids) as id, unnest(p_creator_ix) as c, unnest(dia) as d,
                    unnest(creator_after) as after) as v
        where v.id is not null and v.d > 0;

      insert into gift_events (transfer_id, sender_id, creator_id, session_id, gift_id, quantity, coins,
                               diamonds, streak_id, streak_count)
      select v.id, owners[v.s], owners[v.c], p_sessions[v.si], v.gift, v.quantity, v.coins, v.d, v.streak,
             v.streak_count
      from (select unnest(ids) as id, unnest(p_sender_ix) as s, unnest(p_creator_ix) as c,
                  unnest(p_session_ix) as si, unnest(p_gifts) as gift, unnest(p_quantities) as quantity,
                  unnest(p_coins) as coins, unnest(dia) as d, unnest(p_streak_ids) as streak,
                  unnest(p_streak_counts) as streak_count) as v
      where v.id is not null;

      update ledger_accounts a set balance = v.balance, carry = v.carry
      from (select unnest(p_accounts) as id, unnest(bal) as balance, unnest(car) as carry) as v
      where a.id = v.id and (a.balance <> v.balance or a.carry <> v.carry);

      transfer_ids := ids;
      balances_after := sender_after;
      diamonds := dia;
    end
    $fn$`.execute(db);
}

/** 0009's up drops this function and creates its own. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await m0009.up(db);
}
