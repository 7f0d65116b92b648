import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StandInSubscription } from '@onair/server/testing';

export interface ReceiverTotals {
  reached: number;
  accepted: number;
  rejections: string[];
}

/** Starts receiver.ts in a child process and talks to it one request at a time. */
export async function startReceiver() {
  const child: ChildProcess = fork(fileURLToPath(new URL('./receiver.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: { type: string }) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m as T);
      };
      const onExit = (code: number | null) => reject(new Error(`push receiver exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  await next('ready');
  return {
    async subscribe(n: number): Promise<StandInSubscription[]> {
      const answer = next<{ subs: StandInSubscription[] }>('subscribed');
      child.send({ type: 'subscribe', n });
      return (await answer).subs;
    },
    async totals(): Promise<ReceiverTotals> {
      const answer = next<ReceiverTotals>('totals');
      child.send({ type: 'totals' });
      return answer;
    },
    async close(): Promise<void> {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'close' });
      await exited;
    },
  };
}
