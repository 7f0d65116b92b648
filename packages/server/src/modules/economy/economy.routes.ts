import {
  AdminCoinPackage,
  AdminCoinPackageList,
  AdminGift,
  AdminGiftCatalog,
  CoinPackageList,
  ConfirmPurchaseBody,
  CreateCoinPackageBody,
  CreateGiftBody,
  Earnings,
  GiftCatalog,
  GiftReceipt,
  HandleParams,
  IdParams,
  LedgerCheck,
  Purchase,
  PurchaseBody,
  RejectWithdrawalBody,
  SendGiftBody,
  SlugParams,
  Statement,
  StatementQuery,
  TopGifters,
  UpdateCoinPackageBody,
  UpdateGiftBody,
  Wallet,
  WebhookAck,
  Withdrawal,
  WithdrawalBody,
  WithdrawalList,
  WithdrawalsQuery,
} from '@onair/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Counter, Histogram } from 'prom-client';
import type { EconomyService } from './economy.service.ts';
import type { GiftSender } from './gifts.service.ts';

/** Stripe's header for a retried request answered from the original result; we use it the same way. */
const REPLAYED = 'idempotent-replayed';

const created = <T>(reply: FastifyReply, result: T, replayed: boolean) => {
  if (replayed) reply.header(REPLAYED, 'true');
  return reply.code(201).send(result);
};

const senderOf = (request: FastifyRequest): GiftSender | null =>
  request.auth
    ? { ...request.auth.actor, handle: request.auth.user.handle, displayName: request.auth.user.displayName }
    : null;

export async function economyRoutes(app: FastifyInstance, { economy }: { economy: EconomyService }) {
  const { wallet, coins, gifts, withdrawals } = economy;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['economy'];
  const admin = ['admin'];

  // Gifts finish committing before the database closes.
  app.addHook('onClose', () => economy.close());

  // Group commit on /metrics: how many gifts share a transaction and how long it takes.
  const batchSize = new Histogram({
    name: 'onair_gift_batch_size',
    help: 'Gifts committed together in one transaction (group commit)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000],
    registers: [app.metrics],
  });
  const batchSeconds = new Histogram({
    name: 'onair_gift_batch_seconds',
    help: 'One gift batch: reading prices and sessions, then the ledger transaction',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [app.metrics],
  });
  const batchFailed = new Counter({
    name: 'onair_gift_batches_failed_total',
    help: 'Gift batches whose transaction failed and were retried one gift at a time',
    registers: [app.metrics],
  });
  gifts.instrument({
    batch({ size, seconds, failed }) {
      batchSize.observe(size);
      batchSeconds.observe(seconds);
      if (failed) batchFailed.inc();
    },
  });

  r.get(
    '/wallet',
    {
      config: { auth: 'user' },
      schema: { tags, summary: 'Your coin and diamond balances', response: { 200: Wallet } },
    },
    (request) => wallet.wallet(request.actor),
  );
  r.get(
    '/wallet/statement',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Your history in one asset, newest first',
        querystring: StatementQuery,
        response: { 200: Statement },
      },
    },
    (request) => wallet.statement(request.actor, request.query),
  );
  r.get(
    '/coin-packages',
    {
      config: { auth: 'public' },
      schema: { tags, summary: 'Coin packages for sale', response: { 200: CoinPackageList } },
    },
    () => coins.packages(),
  );
  r.post(
    '/wallet/purchases',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Start buying a coin package (coins arrive once the payment is confirmed)',
        body: PurchaseBody,
        response: { 201: Purchase },
      },
    },
    async (request, reply) => {
      const { purchase, replayed } = await coins.buy(request.actor, request.body);
      return created(reply, purchase, replayed);
    },
  );
  r.get(
    '/wallet/purchases/:id',
    {
      config: { auth: 'user' },
      schema: { tags, summary: 'One of your purchases', params: IdParams, response: { 200: Purchase } },
    },
    (request) => coins.purchase(request.actor, request.params.id),
  );
  r.post(
    '/wallet/purchases/:id/confirm',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary:
          'Confirm a purchase with its provider (the sandbox pays here; card 4000000000000002 declines)',
        params: IdParams,
        body: ConfirmPurchaseBody,
        response: { 200: Purchase },
      },
    },
    (request) => coins.confirm(request.actor, request.params.id, request.body),
  );

  r.get(
    '/gifts',
    {
      config: { auth: 'public' },
      schema: { tags, summary: 'The gift catalog', response: { 200: GiftCatalog } },
    },
    async () => ({ gifts: await gifts.catalog() }),
  );
  r.post(
    '/rooms/:handle/gifts',
    {
      config: { auth: 'user', rateLimit: { limit: 'gifts', by: 'user' } },
      schema: {
        tags,
        summary: "Send a gift to a creator's LIVE room (charged before it is shown)",
        params: HandleParams,
        body: SendGiftBody,
        response: { 201: GiftReceipt },
      },
    },
    async (request, reply) => {
      const { receipt, replayed } = await gifts.send(senderOf(request), request.params.handle, request.body);
      return created(reply, receipt, replayed);
    },
  );
  r.get(
    '/rooms/:handle/top-gifters',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Top gifters of the current LIVE session',
        params: HandleParams,
        response: { 200: TopGifters },
      },
    },
    (request) => gifts.topGifters(request.actor, request.params.handle),
  );

  r.get(
    '/me/earnings',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Your diamonds, their value and your withdrawals',
        response: { 200: Earnings },
      },
    },
    (request) => wallet.earnings(request.actor),
  );
  r.get(
    '/me/withdrawals',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Your withdrawals, newest first',
        querystring: WithdrawalsQuery,
        response: { 200: WithdrawalList },
      },
    },
    (request) => withdrawals.list(request.actor, request.query, 'mine'),
  );
  r.post(
    '/me/withdrawals',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Withdraw diamonds as cash (after the fee, once approved)',
        body: WithdrawalBody,
        response: { 201: Withdrawal },
      },
    },
    async (request, reply) => {
      const { withdrawal, replayed } = await withdrawals.request(request.actor, request.body);
      return created(reply, withdrawal, replayed);
    },
  );

  r.get(
    '/admin/withdrawals',
    {
      config: { auth: 'user' },
      schema: {
        tags: admin,
        summary: 'Withdrawals to review and pay',
        querystring: WithdrawalsQuery,
        response: { 200: WithdrawalList },
      },
    },
    (request) => withdrawals.list(request.actor, request.query, 'all'),
  );
  r.post(
    '/admin/withdrawals/:id/approve',
    {
      config: { auth: 'user' },
      schema: {
        tags: admin,
        summary: 'Approve a withdrawal',
        params: IdParams,
        response: { 200: Withdrawal },
      },
    },
    (request) => withdrawals.approve(request.actor, request.params.id),
  );
  r.post(
    '/admin/withdrawals/:id/reject',
    {
      config: { auth: 'user' },
      schema: {
        tags: admin,
        summary: 'Reject a withdrawal (the diamonds go back)',
        params: IdParams,
        body: RejectWithdrawalBody,
        response: { 200: Withdrawal },
      },
    },
    (request) => withdrawals.reject(request.actor, request.params.id, request.body.reason),
  );
  r.post(
    '/admin/withdrawals/:id/payout',
    {
      config: { auth: 'user' },
      schema: {
        tags: admin,
        summary: 'Pay an approved withdrawal through the provider (a failed payout returns the diamonds)',
        params: IdParams,
        response: { 200: Withdrawal },
      },
    },
    (request) => withdrawals.payout(request.actor, request.params.id),
  );
  r.get(
    '/admin/gifts',
    {
      config: { auth: 'user' },
      schema: { tags: admin, summary: 'The whole gift catalog', response: { 200: AdminGiftCatalog } },
    },
    async (request) => ({ gifts: await gifts.adminCatalog(request.actor) }),
  );
  r.post(
    '/admin/gifts',
    {
      config: { auth: 'user' },
      schema: { tags: admin, summary: 'Add a gift', body: CreateGiftBody, response: { 201: AdminGift } },
    },
    async (request, reply) => reply.code(201).send(await gifts.createGift(request.actor, request.body)),
  );
  r.patch(
    '/admin/gifts/:id',
    {
      config: { auth: 'user' },
      schema: {
        tags: admin,
        summary: 'Edit a gift (price changes apply to gifts sent from now on)',
        params: SlugParams,
        body: UpdateGiftBody,
        response: { 200: AdminGift },
      },
    },
    (request) => gifts.updateGift(request.actor, request.params.id, request.body),
  );
  r.get(
    '/admin/coin-packages',
    {
      config: { auth: 'user' },
      schema: { tags: admin, summary: 'Every coin package', response: { 200: AdminCoinPackageList } },
    },
    async (request) => ({ packages: await coins.adminPackages(request.actor) }),
  );
  r.post(
    '/admin/coin-packages',
    {
      config: { auth: 'user' },
      schema: {
        tags: admin,
        summary: 'Add a coin package',
        body: CreateCoinPackageBody,
        response: { 201: AdminCoinPackage },
      },
    },
    async (request, reply) => reply.code(201).send(await coins.createPackage(request.actor, request.body)),
  );
  r.patch(
    '/admin/coin-packages/:id',
    {
      config: { auth: 'user' },
      schema: {
        tags: admin,
        summary: 'Edit a coin package',
        params: SlugParams,
        body: UpdateCoinPackageBody,
        response: { 200: AdminCoinPackage },
      },
    },
    (request) => coins.updatePackage(request.actor, request.params.id, request.body),
  );
  r.post(
    '/admin/purchases/:id/refund',
    {
      config: { auth: 'user' },
      schema: {
        tags: admin,
        summary: 'Refund a purchase (takes back the coins still unspent)',
        params: IdParams,
        response: { 200: Purchase },
      },
    },
    (request) => coins.refund(request.actor, request.params.id),
  );
  r.get(
    '/admin/ledger/check',
    {
      config: { auth: 'user' },
      schema: { tags: admin, summary: "Prove the ledger's invariants", response: { 200: LedgerCheck } },
    },
    (request) => economy.checkLedger(request.actor),
  );

  await app.register(stripeWebhookRoutes, { economy });
}

/**
 * Stripe signs the exact bytes it sends, so this route (alone, in its own encapsulated context) reads
 * the body raw and verifies it before parsing.
 */
async function stripeWebhookRoutes(app: FastifyInstance, { economy }: { economy: EconomyService }) {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );
  app.withTypeProvider<ZodTypeProvider>().post(
    '/webhooks/stripe',
    {
      config: { auth: 'public' },
      schema: { tags: ['economy'], summary: 'Stripe webhook (signed)', response: { 200: WebhookAck } },
    },
    (request) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const signature = request.headers['stripe-signature'];
      return economy.coins.stripeWebhook(raw, typeof signature === 'string' ? signature : undefined);
    },
  );
}
