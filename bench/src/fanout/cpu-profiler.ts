import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

/**
 * Preloaded into the server under test (NODE_OPTIONS="--import tsx --import <this file>", since Node
 * 20 refuses --cpu-prof in NODE_OPTIONS): samples the main thread with V8's profiler, as --cpu-prof
 * does, and writes CPU_PROFILE_DIR/server-<pid>.cpuprofile when the process exits (SIGTERM → graceful
 * close → exit). Timestamps are CLOCK_MONOTONIC microseconds, like --cpu-prof's.
 */
const dir = process.env.CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.once('exit', () => {
    // Same-thread inspector sessions answer synchronously, so this completes inside the exit handler.
    session.post('Profiler.stop', (err, result) => {
      if (err || !result) return;
      writeFileSync(path.join(dir, `server-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
