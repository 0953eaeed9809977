/**
 * The registry's bookkeeping per model and per version, and the typed notes that say why a version is in its
 * state. Control flow reads the typed fields; only publicReason() turns them into the text clients see.
 */
import type { LoadedVersion } from './loaded-version.js';
import type { LoadFailure } from './load-failure.js';
import type { ModelConfig } from './model-config.js';

export type VersionState = 'UNKNOWN' | 'READY' | 'UNAVAILABLE' | 'LOADING' | 'UNLOADING';

/** Why a version left service. */
export type RetireCause = 'unloaded' | 'removed' | 'not-selected' | 'shutting-down';

/** Why a version is in its state (none when the state says it all). */
export type VersionNote =
  | { kind: 'load-failed'; failure: LoadFailure }
  /** Serving; its files changed and the new ones failed to load, so the loaded copy keeps serving. */
  | { kind: 'reload-failed'; failure: LoadFailure }
  /** Serving; a newer version the policy wants failed, so this one stays until that loads. */
  | { kind: 'kept-serving'; failedVersion: number }
  /** Not selected by the version policy (or no longer). */
  | { kind: 'not-selected' }
  /** Poll mode: the file is new and not yet settled (or lacks a READY marker). */
  | { kind: 'settling' }
  | { kind: 'retired'; cause: RetireCause };

export interface VersionSlot {
  version: number;
  state: VersionState;
  note?: VersionNote;
  serving?: LoadedVersion;
  /** size:mtime:config of what `serving` was loaded from; a change means reload. */
  loadedStamp?: string;
  /** The stamp of the files that last failed to load: not retried until they change (or an API load). */
  failedStamp?: string;
}

export interface ModelSlot {
  name: string;
  directory?: string;
  /** The config used for the next load: config.json, or an override sent with an API load. */
  config?: ModelConfig;
  configOverride?: ModelConfig;
  /** config.json could not be used (versions already serving keep serving). */
  configFailure?: LoadFailure;
  /** The model directory holds no version directory with a model.onnx. */
  empty: boolean;
  versions: Map<number, VersionSlot>;
  /** Aliases set through the API; they win over config.json's. */
  apiAliases: Map<string, number>;
  traffic?: TrafficSplit;
}

export interface TrafficSplit {
  versions: { version: number; weight: number }[];
}

const RETIRE_REASONS: Record<RetireCause, string> = {
  unloaded: 'unloaded',
  removed: 'version removed from the repository',
  'not-selected': 'not selected by the version policy',
  'shutting-down': 'server shutting down',
};

/** The reason text for responses and the index: safe for any caller (no paths, no file contents). */
export function publicReason(note: VersionNote | undefined): string {
  switch (note?.kind) {
    case undefined:
      return '';
    case 'load-failed':
      return `load failed: ${note.failure.publicReason}`;
    case 'reload-failed':
      return `load failed: ${note.failure.publicReason}; the copy loaded before keeps serving`;
    case 'kept-serving':
      return `kept serving: version ${note.failedVersion} failed to load`;
    case 'not-selected':
      return RETIRE_REASONS['not-selected'];
    case 'settling':
      return 'waiting for the file to settle (or a READY marker)';
    case 'retired':
      return RETIRE_REASONS[note.cause];
  }
}

/** The model-level problem, if any, as public text. */
export function modelReason(slot: ModelSlot): string {
  if (slot.configFailure) return `load failed: ${slot.configFailure.publicReason}`;
  return slot.empty ? 'no version directory with a model.onnx' : '';
}

export function failureOf(version: VersionSlot): LoadFailure | undefined {
  const note = version.note;
  return note?.kind === 'load-failed' || note?.kind === 'reload-failed' ? note.failure : undefined;
}
