import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { waitFor } from './fixtures.js';

// The service as a real process (node src/server.ts), for what only a process can show: signals,
// crashes, a second process on the same data, a database that goes away.

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

export interface ServerProcess {
  child: ChildProcess;
  base: string;
  /** everything it wrote to stdout and stderr so far */
  output(): string;
  /** its exit code, once it exits */
  exited: Promise<number | null>;
  ready(deadlineMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<ChildProcess>();
// a run that ends early (a leak's forced exit, mocha's bail) takes its servers with it
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The time a server process lives in: it has no test clock, only the machine's. */
export const machineNow = (): Date => new Date(); // wall-clock: what a server process reads

/** `args` of node: the TypeScript source through tsx unless told otherwise (`npm start` runs bin/start.js). */
export async function startServer(env: Record<string, string>, args = ['--import', 'tsx/esm', 'src/server.ts']): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', SCHEDULER: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? (signal ? -1 : null));
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  return {
    child,
    base,
    output: () => out,
    exited,
    ready: async (deadlineMs = 20_000) => {
      await waitFor(async () => {
        if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`);
        return (await fetch(`${base}/readyz`).catch(() => null))?.ok ?? false;
      }, deadlineMs);
    },
    kill: async (signal: NodeJS.Signals = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Kills every server a test started and left running, waits for them to go, and says how many there were (root afterAll hook). */
export async function killServers(): Promise<number> {
  const left = [...running];
  await Promise.all(
    left.map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
  return left.length;
}
