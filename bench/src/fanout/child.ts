import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export type Reply = Record<string, unknown> & { event?: string };

export interface ChildHandle {
  readonly child: ChildProcess;
  /** Sends a command and resolves with the next reply whose `event` is `expect`. */
  request(command: Record<string, unknown>, expect: string, timeoutMs?: number): Promise<Reply>;
  /** The next reply with this `event` (already received and not taken, or from now on). */
  next(event: string, timeoutMs?: number): Promise<Reply>;
  stderrTail(): string;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
  stop(): Promise<void>;
}

/**
 * A TypeScript helper process (run through tsx, as `node --import tsx file`) that answers JSON lines
 * on stdout to JSON-line commands on stdin. Each helper runs in a process of its own so it gets a
 * core (and an event loop) to itself rather than sharing the orchestrator's.
 */
export function spawnChild(
  file: string,
  args: string[] = [],
  options: { env?: Record<string, string>; execArgv?: string[] } = {},
): ChildHandle {
  const child = spawn(process.execPath, [...(options.execArgv ?? []), '--import', 'tsx', file, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  const inbox: Reply[] = [];
  const waiters = new Set<{ events: string[]; resolve: (m: Reply) => void }>();
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-6000);
  });
  child.stdin!.on('error', () => undefined);
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let message: Reply;
    try {
      message = JSON.parse(line) as Reply;
    } catch {
      return;
    }
    for (const w of waiters) {
      if (w.events.includes(message.event ?? '')) {
        waiters.delete(w);
        w.resolve(message);
        return;
      }
    }
    inbox.push(message);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const next = (event: string, timeoutMs = 60_000): Promise<Reply> => {
    const events = [event, 'failed'];
    const i = inbox.findIndex((m) => events.includes(m.event ?? ''));
    const settle = (m: Reply, resolve: (m: Reply) => void, reject: (e: Error) => void) => {
      if (m.event === 'failed') reject(new Error(`${file} failed: ${String(m.message)}`));
      else resolve(m);
    };
    return new Promise((resolve, reject) => {
      if (i >= 0) {
        settle(inbox.splice(i, 1)[0]!, resolve, reject);
        return;
      }
      const waiter = {
        events,
        resolve: (m: Reply) => {
          clearTimeout(timer);
          settle(m, resolve, reject);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`${file}: no "${event}" within ${timeoutMs} ms\n${stderr}`));
      }, timeoutMs);
      waiters.add(waiter);
      void exited.then(() => {
        if (!waiters.delete(waiter)) return;
        clearTimeout(timer);
        reject(
          new Error(`${file} exited (${child.exitCode ?? child.signalCode}) before "${event}"\n${stderr}`),
        );
      });
    });
  };

  return {
    child,
    next,
    request(command, expect, timeoutMs) {
      const reply = next(expect, timeoutMs);
      child.stdin!.write(`${JSON.stringify(command)}\n`);
      return reply;
    },
    stderrTail: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Prints one JSON line for the parent (the helper side of `spawnChild`). */
export const reply = (message: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify(message)}\n`);

/** Calls `handle` for each JSON-line command on stdin (the helper side of `spawnChild`). */
export function onCommands(handle: (command: Record<string, unknown>) => Promise<void> | void): void {
  createInterface({ input: process.stdin }).on('line', (line) => {
    let command: Record<string, unknown>;
    try {
      command = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    Promise.resolve(handle(command)).catch((err: unknown) => {
      reply({ event: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    });
  });
}
