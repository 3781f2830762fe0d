/**
 * Starting and talking to the benchmark's child processes: every child is pinned to one core
 * with `taskset` when it exists, speaks over the IPC channel, and reports readiness with its
 * first message.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';

/** Cores: servers on the first, the load driver and the upstreams on the second. */
export const SERVER_CORE = 0;
export const DRIVER_CORE = 1;

const hasTaskset = spawnSync('taskset', ['-V']).status === 0;

/** Whether children are pinned (printed in the results). */
export const PINNED = hasTaskset;

export interface Child {
  process: ChildProcess;
  /** The first message the child sent (e.g. `{ port }`). */
  ready: Record<string, unknown>;
  /** Sends `message` and waits for the next answer. */
  ask(message: unknown): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Forks `file` (TypeScript through tsx) on `core`, waits for its first message. */
export async function startChild(
  file: string,
  args: readonly string[],
  core: number,
  env: Record<string, string>,
  nodeFlags: readonly string[] = [],
): Promise<Child> {
  // BENCH_NODE_FLAGS: extra Node.js/V8 flags for every child (e.g. `--single-threaded-gc`).
  const extra = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const execArgv = ['--import', 'tsx', ...nodeFlags, ...extra];
  const child = fork(file, [...args], {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...(hasTaskset
      ? { execPath: 'taskset', execArgv: ['-c', String(core), process.execPath, ...execArgv] }
      : {}),
  });
  const next = (): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`${file} ${args.join(' ')} exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (message) => {
        child.off('exit', onExit);
        resolve(message as Record<string, unknown>);
      });
    });
  const ready = await next();
  return {
    process: child,
    ready,
    ask(message) {
      const answer = next();
      child.send(message as object);
      return answer;
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
