import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export type Message = Record<string, unknown> & { event?: string };

export interface JsonChild {
  readonly child: ChildProcess;
  send(message: Record<string, unknown>): void;
  /** The next message (from now on, or already received and not yet taken) that matches. */
  next(match: (m: Message) => boolean, timeoutMs?: number): Promise<Message>;
  stderrTail(): string;
  stop(): Promise<void>;
}

/** A TypeScript helper process (run through tsx) that speaks JSON lines on stdin/stdout. */
export function spawnJsonChild(file: string, args: string[]): JsonChild {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const inbox: Message[] = [];
  const waiters = new Set<{ match: (m: Message) => boolean; resolve: (m: Message) => void }>();
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let message: Message;
    try {
      message = JSON.parse(line) as Message;
    } catch {
      return;
    }
    for (const w of waiters) {
      if (w.match(message)) {
        waiters.delete(w);
        w.resolve(message);
        return;
      }
    }
    inbox.push(message);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return {
    child,
    send: (message) => child.stdin!.write(`${JSON.stringify(message)}\n`),
    next(match, timeoutMs = 30_000) {
      const i = inbox.findIndex(match);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]!);
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (m: Message) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`${file}: no answer within ${timeoutMs} ms\n${stderr}`));
        }, timeoutMs);
        waiters.add(waiter);
        void exited.then(() => {
          if (!waiters.delete(waiter)) return;
          clearTimeout(timer);
          reject(new Error(`${file} exited\n${stderr}`));
        });
      });
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
