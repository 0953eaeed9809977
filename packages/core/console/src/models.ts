/** The model repository API the console uses (repository extension, aliases, traffic splits, metadata). */
import { apiJson } from './api.js';
import { toneOf, type Tone } from './status-tone.js';

export type VersionState = 'UNKNOWN' | 'READY' | 'UNAVAILABLE' | 'LOADING' | 'UNLOADING';

export interface IndexEntry {
  name: string;
  version?: string;
  state: VersionState;
  reason?: string;
}

export interface TrafficSplit {
  versions: { version: number; weight: number }[];
}

export interface TensorSpec {
  name: string;
  datatype: string;
  shape: number[];
}

export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  parameters?: { task?: string; description?: string; version?: string };
}

const modelPath = (model: string) => `/v2/repository/models/${encodeURIComponent(model)}`;

export const fetchIndex = () => apiJson<IndexEntry[]>('POST', '/v2/repository/index', {});
export const loadModel = (model: string) => apiJson<unknown>('POST', `${modelPath(model)}/load`, {});
export const unloadModel = (model: string) => apiJson<unknown>('POST', `${modelPath(model)}/unload`, {});
export const fetchAliases = (model: string) => apiJson<{ aliases: Record<string, number> }>('GET', `${modelPath(model)}/aliases`);
export const setAlias = (model: string, alias: string, version: number) =>
  apiJson<{ aliases: Record<string, number> }>('PUT', `${modelPath(model)}/aliases/${encodeURIComponent(alias)}`, { version });
export const deleteAlias = (model: string, alias: string) =>
  apiJson<{ aliases: Record<string, number> }>('DELETE', `${modelPath(model)}/aliases/${encodeURIComponent(alias)}`);
export const fetchTraffic = (model: string) => apiJson<TrafficSplit | null>('GET', `${modelPath(model)}/traffic`);
export const saveTraffic = (model: string, split: TrafficSplit) => apiJson<TrafficSplit>('PUT', `${modelPath(model)}/traffic`, split);
export const clearTraffic = (model: string) => apiJson<unknown>('DELETE', `${modelPath(model)}/traffic`);
export const fetchMetadata = (model: string) => apiJson<ModelMetadata>('GET', `/v2/models/${encodeURIComponent(model)}`);

/**
 * A version that tried to load and failed (its reason says so), as opposed to one that is merely not serving
 * (unloaded, not selected by the version policy, removed).
 */
export function isLoadFailure(entry: IndexEntry): boolean {
  return entry.state === 'UNAVAILABLE' && /\bfailed\b/.test(entry.reason ?? '');
}

/** The badge colour of a version's state: red only for a real failure. */
export function versionTone(entry: IndexEntry): Tone {
  if (entry.state === 'UNAVAILABLE') return isLoadFailure(entry) ? 'bad' : 'neutral';
  return toneOf(entry.state);
}

export interface ModelGroup {
  name: string;
  versions: IndexEntry[];
}

/** Index entries grouped per model, versions in descending order. */
export function groupByModel(entries: IndexEntry[]): ModelGroup[] {
  const groups = new Map<string, IndexEntry[]>();
  for (const entry of entries) groups.set(entry.name, [...(groups.get(entry.name) ?? []), entry]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, versions]) => ({ name, versions: versions.sort((a, b) => Number(b.version ?? 0) - Number(a.version ?? 0)) }));
}
