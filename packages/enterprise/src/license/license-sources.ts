/**
 * Where a license comes from: the one installed through PUT /admin/license (stored in the data directory),
 * SLUICE_LICENSE_KEY, or SLUICE_LICENSE_FILE (watched, so replacing the file takes effect without a restart).
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { EnterpriseOrm } from '../db/enterprise-database.js';
import { enterpriseLicense } from '../db/schema/index.js';

export type LicenseSource = 'installed' | 'env' | 'file';

export interface LicenseCandidate {
  source: LicenseSource;
  token: string;
}

export interface LicenseSourceSettings {
  /** The license JWT itself (SLUICE_LICENSE_KEY). */
  key?: string;
  /** A file holding the license JWT (SLUICE_LICENSE_FILE). */
  file?: string;
}

export function readLicenseFile(file: string): string | undefined {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

export function readInstalledLicense(orm: EnterpriseOrm): string | undefined {
  return orm.select().from(enterpriseLicense).where(eq(enterpriseLicense.id, 1)).get()?.token;
}

export function storeInstalledLicense(orm: EnterpriseOrm, token: string, installedBy: string | undefined, now: Date): void {
  const row = { id: 1, token, installedAt: now.getTime(), installedBy: installedBy ?? null };
  orm.insert(enterpriseLicense).values(row).onConflictDoUpdate({ target: enterpriseLicense.id, set: row }).run();
}

export function removeInstalledLicense(orm: EnterpriseOrm): boolean {
  return orm.delete(enterpriseLicense).where(eq(enterpriseLicense.id, 1)).run().changes > 0;
}

export function readLicenseCandidates(orm: EnterpriseOrm, settings: LicenseSourceSettings): LicenseCandidate[] {
  const candidates: LicenseCandidate[] = [];
  const installed = readInstalledLicense(orm);
  if (installed) candidates.push({ source: 'installed', token: installed });
  if (settings.key?.trim()) candidates.push({ source: 'env', token: settings.key.trim() });
  if (settings.file) {
    const fromFile = readLicenseFile(settings.file);
    if (fromFile) candidates.push({ source: 'file', token: fromFile });
  }
  return candidates;
}

/** Polls the file's stat (robust to editors and config managers that replace the file); returns the stop function. */
export function watchLicenseFile(file: string, intervalMs: number, onChange: (token: string | undefined) => void): () => void {
  const listener = (current: { mtimeMs: number; size: number; ino: number }, previous: { mtimeMs: number; size: number; ino: number }) => {
    if (current.mtimeMs === previous.mtimeMs && current.size === previous.size && current.ino === previous.ino) return;
    onChange(readLicenseFile(file));
  };
  watchFile(file, { interval: intervalMs, persistent: false }, listener);
  return () => unwatchFile(file, listener);
}
