/**
 * Runs the real `sluice` CLI in a child process (through tsx, as `npm start` does) and finds its address in
 * the JSON logs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const CLI = path.join(ROOT, 'packages', 'core', 'src', 'cli.ts');
/** Node flags to run the TypeScript sources: tsx, and workspace packages resolved to src/ ("source" condition). */
export const SOURCE_FLAGS = ['--conditions=source', '--import', 'tsx'];

export interface CliProcess {
  child: ChildProcess;
  lines: Record<string, any>[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first log line that matches. */
  waitFor(predicate: (line: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
}

export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; command?: string[] } = {}): CliProcess {
  const command = options.command ?? [process.execPath, ...SOURCE_FLAGS, CLI];
  const child = spawn(command[0]!, [...command.slice(1), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, any>[] = [];
  const stderr: string[] = [];
  const waiters: { predicate: (line: Record<string, any>) => boolean; resolve: (line: Record<string, any>) => void }[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk) => {
    buffered += String(chunk);
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const part of parts) {
      if (!part.trim()) continue;
      let line: Record<string, any>;
      try {
        line = JSON.parse(part);
      } catch {
        line = { raw: part };
      }
      lines.push(line);
      for (const waiter of [...waiters])
        if (waiter.predicate(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
    }
  });
  child.stderr!.on('data', (chunk) => stderr.push(String(chunk)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    lines,
    stderr,
    exited,
    waitFor(predicate, timeoutMs = 60_000) {
      const found = lines.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`timed out waiting for a log line; stderr: ${stderr.join('')}; last lines: ${JSON.stringify(lines.slice(-5))}`),
            ),
          timeoutMs,
        );
        waiters.push({
          predicate,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        void exited.then(({ code }) => {
          clearTimeout(timer);
          reject(new Error(`the server exited (code ${code}) before the expected log line; stderr: ${stderr.join('')}`));
        });
      });
    },
  };
}

/** Starts `sluice serve` on an ephemeral port and waits until start-up loading finished. */
export async function serveCli(args: string[], options: { env?: NodeJS.ProcessEnv; command?: string[] } = {}) {
  const cli = runCli(['serve', '--port', '0', ...args], options);
  const listening = await cli.waitFor((line) => line.msg === 'sluice listening');
  await cli.waitFor((line) => line.msg === 'start-up model loading finished');
  // On a fresh data directory the first start prints an admin key once on stderr (once the port is bound).
  const adminToken = /sk_sluice_[0-9a-f]{12}_[A-Za-z0-9_-]{43}/.exec(cli.stderr.join(''))?.[0];
  return {
    ...cli,
    url: String(listening.address),
    adminToken,
    auth: (adminToken ? { authorization: `Bearer ${adminToken}` } : {}) as Record<string, string>,
  };
}
