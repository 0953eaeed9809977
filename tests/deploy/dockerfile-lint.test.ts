/**
 * Lints deploy/docker/Dockerfile with dockerfilelint (all rules on, no .dockerfilelintrc) and checks the
 * properties the image promises: multi-stage, non-root numeric USER, tini, readiness HEALTHCHECK, volumes,
 * 0.0.0.0 inside the container, the enterprise plugin listed. The real build-and-run is `npm run test:docker`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DOCKERFILE = path.join(REPO, 'deploy/docker/Dockerfile');
const require = createRequire(import.meta.url);
const dockerfilelint = require('dockerfilelint') as {
  run(configDir: string, content: string): { title: string; description: string; category?: string; line: number; rule: string }[];
};

// An empty directory as the config location: the built-in rules, nothing switched off.
const noConfigDir = mkdtempSync(path.join(tmpdir(), 'dockerfilelint-'));
afterAll(() => rmSync(noConfigDir, { recursive: true, force: true }));

const HEALTHCHECK_OPTION = /--(interval|timeout|start-period|start-interval|retries)=\d+[a-z]*/;

/**
 * dockerfilelint 1.8 reads HEALTHCHECK options with /--\w+/, so `--start-period` (a documented Docker option)
 * is seen as "--start" and reported as invalid_format. Only that exact false positive is dropped: a
 * HEALTHCHECK line whose options all match Docker's documented ones.
 */
function isKnownFalsePositive(item: { rule: string; line: number }, lines: string[]): boolean {
  if (item.rule !== 'invalid_format') return false;
  const statement = lines
    .slice(item.line - 1)
    .join('\n')
    .split(/(?<!\\)\n/)[0]!;
  if (!/^HEALTHCHECK\s/.test(statement)) return false;
  const options = statement
    .replace(/\\\n/g, ' ')
    .split(/\s+CMD\s/)[0]!
    .split(/\s+/)
    .slice(1)
    .filter(Boolean);
  return options.length > 0 && options.every((o) => HEALTHCHECK_OPTION.test(o));
}

function lint(content: string) {
  const lines = content.split('\n');
  return dockerfilelint.run(noConfigDir, content).filter((item) => !isKnownFalsePositive(item, lines));
}

/** Instructions with continuation lines joined: [{ keyword, args }]. */
function instructions(content: string): { keyword: string; args: string }[] {
  return content
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
    });
}

describe('deploy/docker/Dockerfile', () => {
  const content = readFileSync(DOCKERFILE, 'utf8');
  const all = instructions(content);
  const lastFrom = all.map((i) => i.keyword).lastIndexOf('FROM');
  const runtime = all.slice(lastFrom);
  const get = (keyword: string) => runtime.filter((i) => i.keyword === keyword).map((i) => i.args);

  it('passes dockerfilelint with every rule on', () => {
    expect(lint(content)).toEqual([]);
  });

  it('the linter is really looking (a bad Dockerfile is reported)', () => {
    const rules = dockerfilelint.run(noConfigDir, 'FROM node\nRUN apt-get install curl\nRUN sudo make\n').map((i) => i.rule);
    expect(rules).toEqual(expect.arrayContaining(['missing_tag', 'apt-get_missing_param', 'sudo_usage']));
    // ...and the false-positive filter drops nothing but the --start-period case.
    const bogus = 'FROM node:20\nHEALTHCHECK --interval=5s --bogus=1s CMD ["true"]\n';
    expect(lint(bogus).map((i) => i.rule)).toContain('invalid_format');
  });

  it('is multi-stage with one tagged base image', () => {
    const froms = all.filter((i) => i.keyword === 'FROM').map((i) => i.args.split(/\s+/)[0]);
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(new Set(froms)).toEqual(new Set(['node:24-bookworm-slim']));
  });

  it('runs Node 24 LTS, a Node that package.json engines supports', () => {
    const majors = all.filter((i) => i.keyword === 'FROM').map((i) => /^node:(\d+)-/.exec(i.args)?.[1]);
    expect(new Set(majors)).toEqual(new Set(['24']));
    const engines = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines.split('||').map((range) => range.trim())).toContain('^24.0.0');
  });

  it('runs as a numeric non-root user (so Kubernetes runAsNonRoot can verify it)', () => {
    const users = get('USER');
    expect(users).toHaveLength(1);
    expect(users[0]).toMatch(/^[1-9][0-9]*(:[0-9]+)?$/);
  });

  it('has tini as PID 1 and serves by default', () => {
    expect(get('ENTRYPOINT')).toEqual(['["/usr/bin/tini", "--", "sluice"]']);
    expect(get('CMD')).toEqual(['["serve"]']);
    expect(runtime.some((i) => i.keyword === 'RUN' && /apt-get install .*\btini\b/.test(i.args))).toBe(true);
  });

  it('checks readiness with node itself (no curl in the image)', () => {
    const [healthcheck] = get('HEALTHCHECK');
    expect(healthcheck).toMatch(/CMD \["node", "-e", ".*\/v2\/health\/ready/);
  });

  it('declares the volumes, the port, 0.0.0.0 and the enterprise plugin', () => {
    expect(get('VOLUME')).toEqual(['["/models", "/data"]']);
    expect(get('EXPOSE')).toEqual(['8080']);
    const env = get('ENV').join(' ');
    for (const pair of [
      'SLUICE_HOST=0.0.0.0',
      'SLUICE_PORT=8080',
      'SLUICE_MODELS=/models',
      'SLUICE_DATA=/data',
      'SLUICE_PLUGINS=@sluice/enterprise',
      'ORT_DISABLE_TELEMETRY=1',
    ]) {
      expect(env).toContain(pair);
    }
  });

  it('installs production dependencies only in what ships', () => {
    const deps = all.find((i) => i.keyword === 'RUN' && i.args.startsWith('npm ci --omit=dev'));
    expect(deps?.args).toContain('--workspace=@sluice/core');
    expect(deps?.args).toContain('--workspace=@sluice/enterprise');
    expect(get('RUN').some((args) => /\bnpm (ci|install)\b/.test(args))).toBe(false);
  });
});

describe('.dockerignore', () => {
  const ignore = readFileSync(path.join(REPO, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim());
  it('sends only an allow-list, never local installs, build output or data', () => {
    expect(ignore).toContain('*');
    for (const pattern of ['**/node_modules', '**/dist', 'demo/models', '**/.sluice-data']) expect(ignore).toContain(pattern);
  });
  it('sends everything the Dockerfile copies', () => {
    const copied = instructions(readFileSync(DOCKERFILE, 'utf8'))
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1))
      .map((source) => source.split('/')[0]!);
    for (const top of new Set(copied))
      expect(
        ignore.some((l) => l === `!${top}` || l === `!${top}/`),
        `${top} must be allowed`,
      ).toBe(true);
  });
});
