/**
 * kill -9 durability: a real child process writes API keys through the real code path and reports each id only
 * after its commit; the parent kills it with SIGKILL mid-stream, reopens the database, and expects every
 * reported row, a consistent database (PRAGMA integrity_check) and a usable key service.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiKeyService } from '../packages/core/src/auth/api-key-service.js';
import { openCoreDatabase } from '../packages/core/src/db/open.js';

const WRITER = path.join(import.meta.dirname, 'fixtures', 'write-keys-until-killed.ts');
const scratch = mkdtempSync(path.join(tmpdir(), 'sluice-durability-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function writeUntilKilled(dataDir: string, rows: number): Promise<{ committed: string[]; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const committed: string[] = [];
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.stdout.on('data', (chunk) => {
      buffered += String(chunk);
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) if (/^[0-9a-f]{12}$/.test(line)) committed.push(line);
      if (committed.length >= rows && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve({ committed, signal }) : reject(new Error(`writer exited with ${code}: ${stderr}`)),
    );
  });
}

describe('kill -9 durability', () => {
  it('keeps every committed row and a consistent database, twice over', async () => {
    const dataDir = path.join(scratch, 'data');
    let expected: string[] = [];
    for (const round of [1, 2]) {
      const { committed, signal } = await writeUntilKilled(dataDir, 300 * round);
      expect(signal).toBe('SIGKILL');
      expected = [...expected, ...committed];
      const database = openCoreDatabase(dataDir);
      try {
        expect(database.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
        const ids = new Set((database.sqlite.prepare('SELECT id FROM api_keys').all() as { id: string }[]).map((r) => r.id));
        expect(expected.filter((id) => !ids.has(id))).toEqual([]); // nothing reported as committed is lost
        expect(ids.size).toBeGreaterThanOrEqual(expected.length);
        // The service works on the recovered file.
        const apiKeys = createApiKeyService({ database });
        const { token } = apiKeys.create({ name: `after-crash-${round}`, scopes: ['infer'] });
        expect(apiKeys.verify(token).ok).toBe(true);
        expected.push(apiKeys.list().at(-1)!.id);
      } finally {
        database.close();
      }
    }
  });
});
