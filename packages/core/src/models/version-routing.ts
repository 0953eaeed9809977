/**
 * Where a request goes within one model: a version number, an alias, or — when it names none — a weighted
 * traffic split, the "default" alias, else the latest serving version. Pure functions over a ModelSlot.
 */
import { SluiceError } from '../errors.js';
import { ALIAS_PATTERN } from './model-name.js';
import { failureOf, modelReason, publicReason, type ModelSlot, type TrafficSplit, type VersionSlot } from './version-slot.js';

/** Aliases one model may have through the API (config.json's are bounded by its schema). */
export const MAX_API_ALIASES = 64;
/** Entries in one traffic split, and the largest weight (weights are relative: 90/10 is 9/1). */
export const MAX_TRAFFIC_VERSIONS = 16;
export const MAX_TRAFFIC_WEIGHT = 1_000_000;

export function aliasesOf(slot: ModelSlot): Record<string, number> {
  return { ...(slot.config?.aliases ?? {}), ...Object.fromEntries(slot.apiAliases) };
}

function servingVersions(slot: ModelSlot): VersionSlot[] {
  return [...slot.versions.values()].filter((v) => v.serving);
}

function pickByWeight(slot: ModelSlot, split: TrafficSplit): number | undefined {
  const candidates = split.versions.filter((t) => t.weight > 0 && slot.versions.get(t.version)?.serving);
  const total = candidates.reduce((sum, c) => sum + c.weight, 0);
  let pick = Math.random() * total;
  for (const candidate of candidates) {
    pick -= candidate.weight;
    if (pick < 0) return candidate.version;
  }
  return candidates.at(-1)?.version;
}

/** The version a request that names none goes to, or undefined when nothing serves. */
export function defaultVersion(slot: ModelSlot): number | undefined {
  const split = slot.traffic && pickByWeight(slot, slot.traffic);
  if (split !== undefined) return split;
  const aliased = slot.apiAliases.get('default') ?? slot.config?.aliases.default;
  if (aliased !== undefined && slot.versions.get(aliased)?.serving) return aliased;
  const ready = servingVersions(slot);
  return ready.reduce<number | undefined>((latest, v) => (latest === undefined || v.version > latest ? v.version : latest), undefined);
}

/** 503 for a version that exists but does not serve; the reason is the public one. */
export function versionNotReady(name: string, version: VersionSlot): SluiceError {
  const reason = publicReason(version.note);
  return new SluiceError(
    'SLUICE_ERR_MODEL_NOT_READY',
    `model "${name}" version ${version.version} is ${version.state}${reason ? `: ${reason}` : ''}`,
    { headers: { 'retry-after': '1' } },
  );
}

function modelNotReady(slot: ModelSlot): SluiceError {
  const reason = modelReason(slot);
  const failed = [...slot.versions.values()].find((v) => failureOf(v) || v.note?.kind === 'settling');
  const first = failed ? ` (version ${failed.version}: ${publicReason(failed.note)})` : '';
  return new SluiceError('SLUICE_ERR_MODEL_NOT_READY', `model "${slot.name}" has no version ready${reason ? `: ${reason}` : ''}${first}`, {
    headers: { 'retry-after': '1' },
  });
}

/** Resolves a request's version label (none, a number or an alias) to a version slot; 404 or 503 otherwise. */
export function resolveVersion(slot: ModelSlot, label?: string): VersionSlot {
  let number: number | undefined;
  if (label === undefined || label === '') {
    number = defaultVersion(slot);
    if (number === undefined) throw modelNotReady(slot);
  } else if (/^[0-9]+$/.test(label)) {
    number = Number(label);
  } else {
    number = aliasesOf(slot)[label];
    if (number === undefined)
      throw new SluiceError('SLUICE_ERR_VERSION_NOT_FOUND', `model "${slot.name}" has no version or alias "${label}"`);
  }
  const version = slot.versions.get(number);
  if (!version) throw new SluiceError('SLUICE_ERR_VERSION_NOT_FOUND', `model "${slot.name}" has no version ${number}`);
  return version;
}

/** Sets (or, with null, removes) an API alias. */
export function setAlias(slot: ModelSlot, alias: string, version: number | null): void {
  if (!ALIAS_PATTERN.test(alias))
    throw new SluiceError('SLUICE_ERR_BAD_REQUEST', 'an alias starts with a letter and has only letters, digits, _ and - (at most 64)');
  if (version === null) {
    slot.apiAliases.delete(alias);
    return;
  }
  if (!slot.versions.has(version)) throw new SluiceError('SLUICE_ERR_VERSION_NOT_FOUND', `model "${slot.name}" has no version ${version}`);
  if (!slot.apiAliases.has(alias) && slot.apiAliases.size >= MAX_API_ALIASES) {
    throw new SluiceError(
      'SLUICE_ERR_BAD_REQUEST',
      `model "${slot.name}" already has ${MAX_API_ALIASES} aliases set through the API (the most allowed); remove one first`,
    );
  }
  slot.apiAliases.set(alias, version);
}

/** Sets (or, with undefined, clears) the traffic split; the route's schema bounds its size and weights. */
export function setTraffic(slot: ModelSlot, split: TrafficSplit | undefined): void {
  if (split) {
    if (
      split.versions.length === 0 ||
      split.versions.some((v) => !Number.isFinite(v.weight) || v.weight < 0) ||
      split.versions.every((v) => v.weight === 0)
    ) {
      throw new SluiceError('SLUICE_ERR_BAD_REQUEST', 'a traffic split needs at least one version with a positive weight');
    }
    const seen = new Set<number>();
    for (const entry of split.versions) {
      if (seen.has(entry.version)) throw new SluiceError('SLUICE_ERR_BAD_REQUEST', `a traffic split names version ${entry.version} twice`);
      seen.add(entry.version);
      if (!slot.versions.has(entry.version))
        throw new SluiceError('SLUICE_ERR_VERSION_NOT_FOUND', `model "${slot.name}" has no version ${entry.version}`);
    }
  }
  slot.traffic = split;
}
