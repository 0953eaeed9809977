/**
 * `sluice keys create|list|revoke`: manage API keys directly in the data directory's database, whether or not a
 * server is running on it (WAL lets both write; the server reads keys per request, so changes apply at once).
 */
import { parseArgs } from 'node:util';
import { parseExpiry, parseDurationMs } from '../auth/duration.js';
import type { ApiKeyInfo } from '../auth/api-key-service.js';
import { withApiKeys } from '../auth/with-api-keys.js';
import { ConfigError, isSluiceError } from '../errors.js';
import { resolveDataDir, resolveExistingDataDir } from './data-dir.js';
import { answerUsage } from './help.js';

const COMMON_HELP = `Common: --data DIR (env SLUICE_DATA), --config FILE
Scopes: infer, models:read, models:write, metrics:read, admin
`;

/** Each verb's usage line(s): `sluice keys VERB --help` prints its own. */
const VERB_USAGE = {
  create: `  sluice keys create --name NAME (--scopes a,b | --admin) [--models m1,m2] [--expires 30d|ISO-DATE]
                     [--rate-limit N --rate-limit-window 1m] [--json]
      creates a key (in a new data directory too) and prints its token once`,
  list: `  sluice keys list [--json]
      lists the keys of an existing data directory`,
  revoke: `  sluice keys revoke ID [--json]
      revokes a key of an existing data directory`,
} as const;

export const KEYS_USAGE = `Usage:\n${Object.values(VERB_USAGE).join('\n')}\n${COMMON_HELP}`;

const common = { data: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' } } as const;

function list(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

function describe(key: ApiKeyInfo): string {
  const extras = [
    key.models ? `models=${key.models.join(',')}` : '',
    key.expiresAt ? `expires=${key.expiresAt}` : '',
    key.rateLimit ? `limit=${key.rateLimit.max}/${key.rateLimit.windowMs}ms` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return `${key.id}  ${key.status.padEnd(7)}  ${key.name}  [${key.scopes.join(',')}]${extras ? `  ${extras}` : ''}`;
}

function write(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

function create(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      ...common,
      name: { type: 'string' },
      scopes: { type: 'string' },
      models: { type: 'string' },
      expires: { type: 'string' },
      admin: { type: 'boolean' },
      'rate-limit': { type: 'string' },
      'rate-limit-window': { type: 'string' },
    },
  });
  if (!values.name) throw new ConfigError('name', 'sluice keys create needs --name');
  const scopes = [...new Set([...(list(values.scopes) ?? []), ...(values.admin ? ['admin'] : [])])];
  if (scopes.length === 0) throw new ConfigError('scopes', 'sluice keys create needs --scopes (e.g. --scopes infer) or --admin');
  let expiresAt: number | undefined;
  if (values.expires !== undefined) {
    expiresAt = parseExpiry(values.expires, Date.now());
    if (expiresAt === undefined)
      throw new ConfigError('expires', `"${values.expires}" is not a duration like 30d, 12h, 15m or an ISO date`);
  }
  let rateLimit: { max: number; windowMs: number } | undefined;
  if (values['rate-limit'] !== undefined) {
    const max = Number(values['rate-limit']);
    const windowMs = parseDurationMs(values['rate-limit-window'] ?? '1m');
    if (!Number.isInteger(max) || max < 1) throw new ConfigError('rate-limit', 'must be a positive integer (requests per window)');
    if (windowMs === undefined) throw new ConfigError('rate-limit-window', 'must be a duration like 1m or 10s');
    rateLimit = { max, windowMs };
  }
  const created = withApiKeys(resolveDataDir(values), (keys) =>
    keys.create({ name: values.name!, scopes, models: list(values.models), expiresAt, rateLimit }),
  );
  if (values.json) {
    write(JSON.stringify(created));
    return;
  }
  write(
    `${describe(created.key)}\n\n    ${created.token}\n\nThis token is shown only now: store it. Send it as "Authorization: Bearer <token>".`,
  );
}

function listKeys(argv: string[]): void {
  const { values } = parseArgs({ args: argv, strict: true, options: common });
  const keys = withApiKeys(resolveExistingDataDir(values), (service) => service.list());
  if (values.json) write(JSON.stringify({ keys }));
  else write(keys.length === 0 ? 'no API keys' : keys.map(describe).join('\n'));
}

function revoke(argv: string[]): void {
  const { values, positionals } = parseArgs({ args: argv, strict: true, allowPositionals: true, options: common });
  if (positionals.length !== 1) throw new ConfigError('id', 'sluice keys revoke needs exactly one key id (see sluice keys list)');
  const key = withApiKeys(resolveExistingDataDir(values), (service) => service.revoke(positionals[0]!));
  write(values.json ? JSON.stringify({ key }) : `revoked ${describe(key)}`);
}

export function keysCommand(argv: string[]): void {
  const [verb, ...rest] = argv;
  if (answerUsage('keys', argv, { group: KEYS_USAGE, verbs: VERB_USAGE, common: COMMON_HELP })) return;
  try {
    if (verb === 'create') return create(rest);
    if (verb === 'list') return listKeys(rest);
    return revoke(rest);
  } catch (error) {
    // A key-level mistake (bad scope, unknown id) is the user's: report it like a bad flag.
    if (isSluiceError(error)) throw new ConfigError(verb!, error.message);
    throw error;
  }
}
