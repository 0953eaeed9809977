#!/usr/bin/env node
/**
 * `sluice-license`: the vendor's tool. `keygen` makes an Ed25519 signing key pair; `issue` signs a license with
 * the private key file; `inspect` shows a license's claims and whether this build trusts it. The private key
 * never leaves the vendor: it is read from a file and never printed or logged.
 */
import { chmodSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { FEATURES } from '../license/claims.js';
import { generateVendorKeyPair, issueLicense } from '../license/issue-license.js';
import { DEFAULT_LICENSE_POLICY, stateOf } from '../license/license-state.js';
import { loadTrustedKeys } from '../license/trusted-keys.js';
import { verifyLicense } from '../license/verify-license.js';
import { fail, isMainModule, outputFile, parseDate, runMain, wantsHelp } from './cli-support.js';

const COMMAND_USAGE = {
  keygen: `  sluice-license keygen --out DIR [--name NAME]
      writes DIR/NAME.private.pem (mode 600: keep it secret, never commit it) and DIR/NAME.jwk.json
      (the public key to ship in packages/enterprise/keys/); prints the key id`,
  issue: `  sluice-license issue --key PRIVATE.pem --licensee NAME --entitlements audit,metering[,sso]
                       (--expires DATE | --days N) [--not-before DATE] [--grace-days N]
                       [--limit NAME=NUMBER ...] [--id LICENSE_ID] [--out FILE]
      prints the license key (a JWT) or writes it to FILE`,
  inspect: `  sluice-license inspect (--file FILE | KEY)
      shows the claims and whether this build's trusted keys accept the signature`,
} as const;

const ENTITLEMENTS_HELP = `Entitlements: ${Object.keys(FEATURES).join(', ')}\n`;

const USAGE = `sluice-license — issue Sluice Enterprise license keys (vendor side)

Usage:
${Object.values(COMMAND_USAGE).join('\n')}

${ENTITLEMENTS_HELP}`;

async function keygen(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string' }, name: { type: 'string' } }, strict: true });
  if (!values.out) fail('keygen needs --out DIR');
  if (!statSync(values.out, { throwIfNoEntry: false })?.isDirectory()) fail(`--out ${values.out}: no such folder`);
  const name = values.name ?? 'sluice-vendor';
  const privateFile = path.join(values.out, `${name}.private.pem`);
  if (existsSync(privateFile)) fail(`${privateFile} exists; refusing to overwrite a signing key`);
  const pair = await generateVendorKeyPair();
  writeFileSync(privateFile, pair.privateKeyPem, { mode: 0o600 });
  chmodSync(privateFile, 0o600);
  writeFileSync(path.join(values.out, `${name}.jwk.json`), `${JSON.stringify(pair.publicJwk)}\n`);
  process.stdout.write(
    `private key: ${privateFile} (keep secret)\npublic key:  ${path.join(values.out, `${name}.jwk.json`)}\nkey id:      ${pair.kid}\n`,
  );
  return 0;
}

async function issue(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      key: { type: 'string' },
      licensee: { type: 'string' },
      entitlements: { type: 'string' },
      expires: { type: 'string' },
      days: { type: 'string' },
      'not-before': { type: 'string' },
      'grace-days': { type: 'string' },
      limit: { type: 'string', multiple: true },
      id: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  if (!values.key) fail('issue needs --key PRIVATE.pem');
  outputFile(values.out);
  if (!values.licensee) fail('issue needs --licensee NAME');
  if (!values.entitlements) fail(`issue needs --entitlements (any of ${Object.keys(FEATURES).join(', ')})`);
  const entitlements = values.entitlements
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const e of entitlements) if (!(e in FEATURES)) fail(`unknown entitlement "${e}" (known: ${Object.keys(FEATURES).join(', ')})`);
  const notBefore = parseDate(values['not-before'], 'not-before') ?? new Date();
  let expiresAt = parseDate(values.expires, 'expires');
  if (!expiresAt && values.days) {
    if (!/^\d+$/.test(values.days)) fail('--days must be a whole number');
    expiresAt = new Date(notBefore.getTime() + Number(values.days) * 86_400_000);
  }
  if (!expiresAt) fail('issue needs --expires DATE or --days N');
  if (expiresAt <= notBefore) fail('the license would expire before it starts');
  const limits: Record<string, number> = {};
  for (const item of values.limit ?? []) {
    const match = /^([a-z][a-z0-9_-]*)=(\d+)$/i.exec(item);
    if (!match) fail(`--limit takes NAME=NUMBER, got "${item}"`);
    limits[match[1]!] = Number(match[2]);
  }
  const graceDays = values['grace-days'] !== undefined ? Number(values['grace-days']) : undefined;
  if (graceDays !== undefined && (!Number.isInteger(graceDays) || graceDays < 0 || graceDays > 365))
    fail('--grace-days must be a whole number between 0 and 365');
  const token = await issueLicense(readFileSync(values.key, 'utf8'), {
    licensee: values.licensee,
    entitlements,
    limits,
    notBefore,
    expiresAt,
    ...(graceDays !== undefined ? { graceDays } : {}),
    ...(values.id ? { licenseId: values.id } : {}),
  });
  if (values.out) {
    writeFileSync(values.out, `${token}\n`, { mode: 0o600 });
    process.stderr.write(
      `license for ${values.licensee} (${entitlements.join(', ')}, expires ${expiresAt.toISOString()}) written to ${values.out}\n`,
    );
  } else process.stdout.write(`${token}\n`);
  return 0;
}

async function inspect(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { file: { type: 'string' } }, strict: true, allowPositionals: true });
  const token = (values.file ? readFileSync(values.file, 'utf8') : (positionals[0] ?? fail('inspect needs --file FILE or the key'))).trim();
  let claims: unknown;
  let header: unknown;
  try {
    header = decodeProtectedHeader(token);
    claims = decodeJwt(token);
  } catch {
    fail('that is not a JWT');
  }
  const verification = await verifyLicense(token, await loadTrustedKeys(), new Date());
  process.stdout.write(
    `${JSON.stringify({ header, claims, trustedByThisBuild: verification.ok, ...(verification.ok ? { state: stateOf(verification.claims, new Date(), DEFAULT_LICENSE_POLICY) } : { reason: verification.reason }) }, null, 2)}\n`,
  );
  return verification.ok ? 0 : 1;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const commands = { keygen, issue, inspect };
  if (command !== undefined && command in commands) {
    const name = command as keyof typeof commands;
    if (wantsHelp(rest)) {
      process.stdout.write(`Usage:\n${COMMAND_USAGE[name]}\n${name === 'issue' ? `\n${ENTITLEMENTS_HELP}` : ''}`);
      return 0;
    }
    return commands[name](rest);
  }
  const asked = command === undefined || command === '--help' || command === '-h' || command === 'help';
  if (!asked) process.stderr.write(`sluice-license: unknown command "${command}"\n`);
  process.stdout.write(USAGE);
  return asked ? 0 : 2;
}

if (isMainModule(import.meta.url)) runMain('sluice-license', main, process.argv.slice(2));
