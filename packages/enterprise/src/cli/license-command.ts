/**
 * `sluice license status|trial` (and `sluice-ee license ...`): the license and trial of a data directory,
 * offline, with or without a running server. Licenses come from the data directory (installed through the
 * route) and this shell's SLUICE_LICENSE_KEY / SLUICE_LICENSE_FILE, checked against the keys shipped in the
 * package. A running server on the same directory picks up a trial started here at its next license check
 * (at most a minute) or at once on GET /admin/license.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { AuditRecord } from '../audit/audit-record.js';
import { createAuditStore } from '../audit/audit-store.js';
import { openEnterpriseDatabase, type EnterpriseDatabase } from '../db/enterprise-database.js';
import { EnterpriseError } from '../errors.js';
import { selectLicense } from '../license/license-selection.js';
import { DEFAULT_LICENSE_POLICY } from '../license/license-state.js';
import { licenseStatus, type LicenseStatus } from '../license/license-status.js';
import { startTrial } from '../license/trial-start.js';
import { readTrial, TRIAL_DAYS } from '../license/trial-store.js';
import { loadTrustedKeys } from '../license/trusted-keys.js';
import { LICENSING_DOCS } from '../license/licensing-help.js';
import { existingDataDir } from './cli-support.js';

export const LICENSE_COMMAND_USAGE = {
  'license status': `license status [--data DIR] [--json]
      the license state of the data directory: license or trial, dates, features (--json: as GET /admin/license)`,
  'license trial': `license trial [--data DIR] [--json]
      starts the free ${TRIAL_DAYS}-day trial of every enterprise feature, offline; once per data directory`,
} as const;

const dataDirOf = (value: string | undefined) => existingDataDir(value ?? process.env.SLUICE_DATA ?? '.sluice-data');

function parse(argv: string[]) {
  return parseArgs({ args: argv, options: { data: { type: 'string' }, json: { type: 'boolean' } }, strict: true }).values;
}

function cliUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown'; // containers without a passwd entry for the uid
  }
}

async function currentLicense(db: EnterpriseDatabase, now: Date) {
  const sources = {
    ...(process.env.SLUICE_LICENSE_KEY ? { key: process.env.SLUICE_LICENSE_KEY } : {}),
    ...(process.env.SLUICE_LICENSE_FILE ? { file: process.env.SLUICE_LICENSE_FILE } : {}),
  };
  return selectLicense({ orm: db.orm, sources, keys: await loadTrustedKeys(), now, policy: DEFAULT_LICENSE_POLICY });
}

function describe(status: LicenseStatus): string {
  const lines = [
    `license state: ${status.state}${status.source ? ` (source: ${status.source})` : ''}${status.reason ? `: ${status.reason}` : ''}`,
  ];
  if (status.licensee) lines.push(`licensee: ${status.licensee} (license ${status.licenseId})`);
  if (status.expiresAt)
    lines.push(`${status.source === 'trial' ? 'trial ends' : 'expires'}: ${status.expiresAt} (grace period until ${status.graceEndsAt})`);
  lines.push(`features: ${status.features.map((f) => `${f.name} ${f.active ? 'on' : 'off'}`).join(', ')}`);
  const trial = status.trial;
  if (trial.available)
    lines.push(
      `trial: available: \`sluice license trial\` starts ${trial.lengthDays} days of every enterprise feature (once per data directory)`,
    );
  else if (trial.startedAt) lines.push(`trial: used (started ${trial.startedAt}, ends ${trial.endsAt}; once per data directory)`);
  else lines.push(`trial: not now (${trial.unavailableReason})`);
  for (const problem of status.problems) lines.push(`problem: ${problem}`);
  lines.push(`licensing: ${LICENSING_DOCS}`);
  return `${lines.join('\n')}\n`;
}

export async function licenseStatusCommand(argv: string[]): Promise<number> {
  const values = parse(argv);
  const db = openEnterpriseDatabase(dataDirOf(values.data));
  try {
    const now = new Date();
    const { selection, problems } = await currentLicense(db, now);
    const status = licenseStatus(selection, readTrial(db.orm), problems, now, DEFAULT_LICENSE_POLICY);
    process.stdout.write(values.json ? `${JSON.stringify(status)}\n` : describe(status));
    return 0;
  } finally {
    db.close();
  }
}

/** Intent first, like the route: a trial whose start cannot be written to the audit log does not start. */
export async function licenseTrialCommand(argv: string[]): Promise<number> {
  const values = parse(argv);
  const db = openEnterpriseDatabase(dataDirOf(values.data));
  try {
    const now = new Date();
    const { selection, problems } = await currentLicense(db, now);
    const store = createAuditStore(db);
    const user = cliUser();
    const record = (outcome: AuditRecord['outcome'], extra: Partial<AuditRecord> = {}) =>
      store.append(
        {
          time: new Date().toISOString(),
          action: 'license.trial.start',
          outcome,
          actor: { kind: 'cli', name: user },
          resource: { type: 'license', id: 'trial' },
          ...extra,
        },
        { outbox: Boolean(process.env.SLUICE_AUDIT_SIEM_URL) },
      ); // the server's forwarder delivers it
    record('requested');
    try {
      startTrial({ orm: db.orm, selection, now, policy: DEFAULT_LICENSE_POLICY, startedBy: `cli:${user}` });
    } catch (error) {
      if (!(error instanceof EnterpriseError)) throw error;
      record('failure', { reason: error.message });
      if (values.json) process.stdout.write(`${JSON.stringify({ error: error.message, code: error.code })}\n`);
      process.stderr.write(`sluice license trial: ${error.message}\n`);
      return 1;
    }
    const status = licenseStatus(selection, readTrial(db.orm), problems, now, DEFAULT_LICENSE_POLICY);
    record('success', { detail: { startedAt: status.trial.startedAt!, endsAt: status.trial.endsAt!, state: status.state } });
    process.stdout.write(
      values.json
        ? `${JSON.stringify(status)}\n`
        : `trial started: every enterprise feature until ${status.trial.endsAt} (once per data directory)\n${describe(status)}`,
    );
    return 0;
  } finally {
    db.close();
  }
}
