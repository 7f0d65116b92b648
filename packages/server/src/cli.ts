import { Role } from '@onair/protocol';
import { Command, CommanderError } from 'commander';
import { type Config, ConfigError, describeEnv, loadConfig } from './config.ts';
import { migrateToLatest } from './db/migrate.ts';
import { MAX_DEMO_CREATORS, startDemo } from './demo.ts';
import { AppError } from './errors.ts';
import { createLogger } from './logger.ts';
import { createAccountsService } from './modules/accounts/accounts.service.ts';
import { checkLedger, formatLedgerCheck } from './modules/economy/check-ledger.ts';
import { settleRewardsWeek } from './modules/rewards/settle-command.ts';
import { resolveSecretKey } from './secret.ts';
import { closeOnSignals, openDatabase, startServer } from './server.ts';

function config(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nRun \`onair --help\` for every setting.\n`);
      process.exit(2);
    }
    throw err;
  }
}

export function buildCli(): Command {
  const program = new Command('onair')
    .description('OnAir: a self-hostable live-streaming platform')
    .addHelpText('after', `\nEnvironment:\n${describeEnv()}\n`)
    .showHelpAfterError();

  program
    .command('serve', { isDefault: true })
    .description('run the server (web app, API, gateway, ingest, worker)')
    .action(async () => {
      const cfg = config();
      const logger = createLogger(cfg.LOG_LEVEL);
      const server = await startServer(cfg, logger);
      closeOnSignals(server, logger);
    });

  program
    .command('migrate')
    .description('bring the database schema up to date and exit')
    .action(async () => {
      const cfg = config();
      const database = openDatabase(cfg);
      try {
        const applied = await migrateToLatest(database.db);
        process.stdout.write(
          applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n',
        );
      } finally {
        await database.close();
      }
    });

  const user = program.command('user').description('manage accounts');
  user
    .command('create')
    .description(
      'create an account (the first one becomes admin while there is none, unless --role says otherwise)',
    )
    .requiredOption('--handle <handle>', 'the @handle')
    .requiredOption('--password <password>', 'at least 8 characters')
    .option('--display-name <name>', 'shown name')
    .option('--role <role>', 'viewer | creator | admin')
    .action(async (opts: { handle: string; password: string; displayName?: string; role?: string }) => {
      const cfg = config();
      const logger = createLogger(cfg.LOG_LEVEL);
      const database = openDatabase(cfg);
      try {
        await migrateToLatest(database.db);
        const accounts = createAccountsService({
          db: database.db,
          secretKey: resolveSecretKey(cfg.SECRET_KEY, cfg.DATA_DIR),
          sessionTtlMs: cfg.SESSION_TTL_DAYS * 86_400_000,
          log: logger,
        });
        const { SignupBody } = await import('@onair/protocol');
        const body = SignupBody.safeParse({
          handle: opts.handle,
          password: opts.password,
          displayName: opts.displayName,
        });
        if (!body.success)
          throw new CommanderError(
            2,
            'onair.invalid',
            body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          );
        const role = opts.role === undefined ? undefined : Role.parse(opts.role);
        // The CLI runs with the operator's authority: --role is taken as given.
        const { user: created } = await accounts.signup(body.data, 'onair cli', role ? { role } : {});
        process.stdout.write(`created @${created.handle} (${created.role}) id=${created.id}\n`);
      } finally {
        await database.close();
      }
    });

  program
    .command('check-ledger')
    .description(
      "prove the ledger's invariants (balanced transfers, balances = postings, nothing negative, coins conserved); exit 1 on any problem",
    )
    .option('--json', 'print the full report as JSON')
    .action(async (opts: { json?: boolean }) => {
      const cfg = config();
      const database = openDatabase(cfg);
      try {
        const report = await checkLedger(database.db);
        process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatLedgerCheck(report));
        if (!report.ok) process.exitCode = 1;
      } finally {
        await database.close();
      }
    });

  program
    .command('settle-rewards')
    .description(
      'pay the weekly LIVE Rewards of the week holding a local date now (REWARDS_TIME_ZONE); refused while that week has not ended',
    )
    .requiredOption('--week <date>', 'a date of the week, YYYY-MM-DD')
    .action(async (opts: { week: string }) => {
      const cfg = config();
      const database = openDatabase(cfg);
      try {
        await migrateToLatest(database.db);
        const done = await settleRewardsWeek(database.db, cfg, createLogger(cfg.LOG_LEVEL), opts.week);
        process.stdout.write(
          `week ${done.week} settled: ${done.payouts} payouts, ${done.bonusDiamonds} bonus diamonds in all\n`,
        );
      } catch (err) {
        if (err instanceof AppError)
          throw new CommanderError(1, 'onair.invalid', `${err.code}: ${err.message}`);
        throw err;
      } finally {
        await database.close();
      }
    });

  program
    .command('demo')
    .description(
      'run the server with simulated creators streaming a test pattern, so a fresh install looks alive',
    )
    .option('--creators <n>', `how many creators go LIVE (1-${MAX_DEMO_CREATORS})`, '3')
    .action(async (opts: { creators: string }) => {
      const count = Number(opts.creators);
      if (!Number.isInteger(count) || count < 1 || count > MAX_DEMO_CREATORS) {
        throw new CommanderError(
          2,
          'onair.invalid',
          `--creators must be a whole number from 1 to ${MAX_DEMO_CREATORS}`,
        );
      }
      const cfg = config();
      const logger = createLogger(cfg.LOG_LEVEL);
      const server = await startServer(cfg, logger);
      const demo = await startDemo(server, count, logger.child({ module: 'demo' }));
      const close = async () => {
        await demo.stop();
        await server.close();
      };
      closeOnSignals({ ...server, close }, logger);
    });

  return program;
}

export async function main(argv = process.argv): Promise<void> {
  try {
    await buildCli().exitOverride().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode !== 0 && err.code === 'onair.invalid') process.stderr.write(`${err.message}\n`);
      process.exit(err.exitCode);
    }
    const code = (err as { code?: string }).code;
    process.stderr.write(`onair: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(code === 'user.handle_taken' || code === 'user.handle_reserved' ? 2 : 1);
  }
}
