/**
 * `sluice models list|load|unload`: manage the models of a running server through its repository API.
 * --url / SLUICE_URL names the server (default http://127.0.0.1:8080), --api-key / SLUICE_API_KEY the key
 * (needs models:read to list, models:write to load and unload).
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.js';
import { answerUsage } from './help.js';

const COMMON_HELP = 'Common: --url URL (env SLUICE_URL, default http://127.0.0.1:8080), --api-key KEY (env SLUICE_API_KEY)\n';

/** Each verb's usage line(s): `sluice models VERB --help` prints its own. */
const VERB_USAGE = {
  list: "  sluice models list [--ready] [--json]\n      lists the repository's models and their state (needs models:read)",
  load: '  sluice models load NAME [--config-file FILE]\n      loads or reloads a model (needs models:write)',
  unload: '  sluice models unload NAME\n      unloads a model; requests already running finish first (needs models:write)',
} as const;

export const MODELS_USAGE = `Usage:\n${Object.values(VERB_USAGE).join('\n')}\n${COMMON_HELP}`;

const common = { url: { type: 'string' }, 'api-key': { type: 'string' }, json: { type: 'boolean' } } as const;

/** A server answer that is not 2xx: printed as the server's own message and code. */
export class RemoteError extends Error {}

async function call(values: { url?: string; 'api-key'?: string }, path: string, body: unknown): Promise<unknown> {
  const base = (values.url ?? process.env.SLUICE_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const key = values['api-key'] ?? process.env.SLUICE_API_KEY;
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body ?? {}),
    });
  } catch (error) {
    throw new RemoteError(
      `cannot reach the server at ${base}: ${(error as Error).cause ? String((error as { cause: Error }).cause.message) : (error as Error).message}`,
    );
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    throw new RemoteError(`${base} answered ${response.status} with a body that is not JSON: is it a Sluice server?`);
  }
  if (!response.ok) {
    const { error, code } = (json ?? {}) as { error?: string; code?: string };
    const hint = response.status === 401 ? ' (set --api-key or SLUICE_API_KEY)' : '';
    throw new RemoteError(`${response.status} ${code ?? ''} ${error ?? text}${hint}`.replace(/\s+/g, ' ').trim());
  }
  return json;
}

interface IndexEntry {
  name: string;
  version?: string;
  state: string;
  reason?: string;
}

function table(entries: IndexEntry[]): string {
  if (entries.length === 0) return 'no models';
  const rows = entries.map((e) => [e.name, e.version ?? '-', e.state, e.reason ?? '']);
  const widths = [0, 1, 2].map((i) => rows.reduce((widest, r) => Math.max(widest, r[i]!.length), ['MODEL', 'VERSION', 'STATE'][i]!.length));
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell))
      .join('  ')
      .trimEnd();
  return [line(['MODEL', 'VERSION', 'STATE', 'REASON']), ...rows.map(line)].join('\n');
}

function modelName(positionals: string[], verb: string): string {
  if (positionals.length !== 1) throw new ConfigError('name', `sluice models ${verb} needs exactly one model name`);
  return encodeURIComponent(positionals[0]!);
}

export async function modelsCommand(argv: string[]): Promise<void> {
  const [verb, ...rest] = argv;
  const out = (text: string) => process.stdout.write(`${text}\n`);
  if (answerUsage('models', argv, { group: MODELS_USAGE, verbs: VERB_USAGE, common: COMMON_HELP })) return;
  if (verb === 'list') {
    const { values } = parseArgs({ args: rest, strict: true, options: { ...common, ready: { type: 'boolean' } } });
    const entries = (await call(values, '/v2/repository/index', values.ready ? { ready: true } : {})) as IndexEntry[];
    out(values.json ? JSON.stringify(entries) : table(entries));
    return;
  }
  if (verb === 'load') {
    const { values, positionals } = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: true,
      options: { ...common, 'config-file': { type: 'string' } },
    });
    const name = modelName(positionals, 'load');
    let body: unknown = {};
    if (values['config-file']) {
      const { readFileSync } = await import('node:fs');
      body = { parameters: { config: readFileSync(values['config-file'], 'utf8') } };
    }
    await call(values, `/v2/repository/models/${name}/load`, body);
    out(`loaded ${positionals[0]}`);
    return;
  }
  if (verb === 'unload') {
    const { values, positionals } = parseArgs({ args: rest, strict: true, allowPositionals: true, options: common });
    await call(values, `/v2/repository/models/${modelName(positionals, 'unload')}/unload`, {});
    out(`unloaded ${positionals[0]} (requests already running finish first)`);
    return;
  }
}
