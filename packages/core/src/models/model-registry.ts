/**
 * The registry of models and versions: what the repository holds, what is loaded, and where each request goes
 * (routing rules in version-routing.ts, building a version in version-builder.ts).
 *
 * Hot swap is a pointer flip: a version slot's `serving` is replaced by a fully loaded LoadedVersion in one
 * assignment; the one it replaces is retired and releases its sessions when its last request ends. A failed
 * load never touches the serving pointer. Loads of one model are serialised; different models load in parallel.
 */
import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger as Logger } from 'fastify';
import { SluiceError } from '../errors.js';
import type { ExecutionRecord } from '../observability/model-statistics.js';
import type { ServerMetrics } from '../observability/server-metrics.js';
import { KeyedQueue } from './keyed-queue.js';
import type { LoadedVersion } from './loaded-version.js';
import { loadFailureOf } from './load-failure.js';
import { parseModelConfig, selectVersions, type ModelConfig } from './model-config.js';
import { isValidModelName } from './model-name.js';
import { readModelDirectory, scanRepository, type ModelDirectory, type VersionFiles } from './repository.js';
import type { WorkerPool } from './runtime/worker-pool.js';
import { buildVersion } from './version-builder.js';
import type { MemberInvoker } from '../pipelines/pipeline-task.js';
import * as routing from './version-routing.js';
import {
  failureOf,
  modelReason,
  publicReason,
  type ModelSlot,
  type RetireCause,
  type TrafficSplit,
  type VersionNote,
  type VersionSlot,
  type VersionState,
} from './version-slot.js';

export type { TrafficSplit, VersionState } from './version-slot.js';

export interface IndexEntry {
  name: string;
  version?: string;
  state: VersionState;
  reason: string;
}

export interface RegistryOptions {
  repository: string;
  pool: WorkerPool;
  logger: Logger;
  /** Sessions per version when config.json does not say. */
  defaultInstances: number;
  /** ORT intra-op threads per session when config.json does not say. */
  defaultThreads: number;
  /** Poll mode: a version without a READY marker counts as complete once its file is this old. */
  settleMs: number;
  metrics: ServerMetrics;
  /** Told of every successful ONNX Runtime execution (statistics). */
  onExecution?: (execution: ExecutionRecord) => void;
  /** Runs a pipeline step's member model through the inference layer (bound once that layer exists). */
  invokeMember?: MemberInvoker;
}

export type SyncMode = 'explicit' | 'poll';

export interface RegistryEvents {
  /** `reason` is the public reason (no paths). */
  'version-state': [{ model: string; version: number; state: VersionState; reason: string }];
  'version-released': [{ model: string; version: number }];
}

function stampOf(files: VersionFiles, config: ModelConfig): string {
  return `${files.size}:${files.mtimeMs}:${JSON.stringify(config)}`;
}

function modelNotFound(name: string): SluiceError {
  return new SluiceError('SLUICE_ERR_MODEL_NOT_FOUND', `model "${name}" is not in the repository`);
}

export class ModelRegistry extends EventEmitter<RegistryEvents> {
  private readonly models = new Map<string, ModelSlot>();
  private readonly queue = new KeyedQueue();
  /** Directory names already warned about, so a poll does not repeat the warning every tick. */
  private readonly reportedInvalidNames = new Set<string>();

  constructor(private readonly options: RegistryOptions) {
    super();
  }

  // ---- loading ---------------------------------------------------------------------------------------------

  /** Start-up and poll ticks: bring every model in the repository in line with the files. */
  async syncAll(mode: SyncMode): Promise<void> {
    const directories = await scanRepository(this.options.repository, (name) => {
      if (this.reportedInvalidNames.has(name)) return;
      this.reportedInvalidNames.add(name);
      this.options.logger.warn(
        { directory: name.slice(0, 200) },
        'a model directory name breaks the model-name rule (1-128 of A-Z a-z 0-9 _ . -, no ".."); it is not served',
      );
    });
    const present = new Set(directories.map((d) => d.name));
    const tasks = directories.map((d) => this.queue.run(d.name, () => this.syncModel(d.name, d, mode)));
    if (mode === 'poll') {
      for (const name of this.models.keys()) if (!present.has(name)) tasks.push(this.queue.run(name, async () => this.removeModel(name)));
    }
    await Promise.allSettled(tasks);
  }

  /** Repository API load: (re)load a model now, optionally with a config override. Resolves once done. */
  async load(name: string, configOverride?: unknown): Promise<void> {
    if (!isValidModelName(name)) throw new SluiceError('SLUICE_ERR_BAD_REQUEST', `"${name}" is not a valid model name`);
    let override: ModelConfig | undefined;
    if (configOverride !== undefined) {
      try {
        override = parseModelConfig(configOverride, 'parameters.config');
      } catch (error) {
        throw new SluiceError('SLUICE_ERR_BAD_REQUEST', loadFailureOf('config', error).publicReason);
      }
    }
    await this.queue.run(name, async () => {
      // Checked before any bookkeeping: a name that is not in the repository leaves no trace.
      const directory = await readModelDirectory(this.options.repository, name);
      if (!directory) throw modelNotFound(name);
      const slot = this.slotFor(name);
      if (override) slot.configOverride = override;
      for (const version of slot.versions.values()) version.failedStamp = undefined; // an explicit load retries
      await this.syncModel(name, directory, 'explicit');
      if (slot.configFailure) throw new SluiceError('SLUICE_ERR_MODEL_LOAD_FAILED', `model "${name}": ${modelReason(slot)}`);
      const failures = [...slot.versions.values()].filter((v) => failureOf(v));
      if (failures.length > 0) {
        const serving = [...slot.versions.values()].filter((v) => v.serving).map((v) => v.version);
        const still = serving.length > 0 ? `; still serving version(s) ${serving.join(', ')}` : '; no version is serving';
        const reasons = failures.map((f) => `version ${f.version}: load failed: ${failureOf(f)!.publicReason}`);
        throw new SluiceError('SLUICE_ERR_MODEL_LOAD_FAILED', `model "${name}" ${reasons.join('; ')}${still}`);
      }
    });
  }

  /** Repository API unload: stop routing to every version; running requests finish first. */
  async unload(name: string): Promise<void> {
    const slot = this.requireModel(name);
    await this.queue.run(name, async () => {
      for (const version of slot.versions.values()) this.retireVersion(name, version, 'unloaded');
      slot.configOverride = undefined;
    });
  }

  private slotFor(name: string): ModelSlot {
    let slot = this.models.get(name);
    if (!slot) {
      slot = { name, empty: false, versions: new Map(), apiAliases: new Map() };
      this.models.set(name, slot);
    }
    return slot;
  }

  private setState(model: string, slot: VersionSlot, state: VersionState, note: VersionNote | undefined): void {
    slot.state = state;
    slot.note = note;
    this.options.metrics.modelState.set({ model, version: String(slot.version) }, state === 'READY' ? 1 : 0);
    this.emit('version-state', { model, version: slot.version, state, reason: publicReason(note) });
  }

  private isComplete(files: VersionFiles, mode: SyncMode): boolean {
    return mode === 'explicit' || files.hasReadyMarker || Date.now() - files.mtimeMs >= this.options.settleMs;
  }

  private async syncModel(name: string, directory: ModelDirectory, mode: SyncMode): Promise<void> {
    const slot = this.slotFor(name);
    slot.directory = directory.directory;
    slot.empty = directory.versions.length === 0;
    if (directory.configError && !slot.configOverride) {
      const failure = directory.configError;
      if (slot.configFailure?.detail !== failure.detail) {
        this.options.logger.error(
          { model: name, file: `${directory.directory}/config.json`, reason: failure.publicReason, detail: failure.detail },
          'model config is invalid; versions already serving keep serving',
        );
      }
      slot.configFailure = failure;
      return;
    }
    slot.configFailure = undefined;
    const config = (slot.config = slot.configOverride ?? directory.config!);
    const settled = directory.versions.filter((v) => this.isComplete(v, mode));
    // A serving version whose file is being replaced in place stays a candidate: its loaded copy keeps serving
    // until the new file has settled and loaded.
    const replacing = directory.versions.filter((v) => !this.isComplete(v, mode) && slot.versions.get(v.version)?.serving);
    const wanted = new Set(
      selectVersions(
        config.versionPolicy,
        [...settled, ...replacing].map((v) => v.version),
      ),
    );

    await Promise.all(settled.filter((v) => wanted.has(v.version)).map((files) => this.ensureLoaded(name, slot, files, config)));
    // A wanted version that failed to load must not take the current one down with it: the versions it would
    // replace keep serving until it loads.
    const failedVersion = [...wanted].find((v) => !slot.versions.get(v)?.serving);
    for (const version of slot.versions.values()) {
      if (wanted.has(version.version)) continue;
      const files = directory.versions.find((v) => v.version === version.version);
      if (!version.serving) {
        // A failure of a version that is no longer wanted (or no longer there) is history, not a current problem.
        const stale = failureOf(version) !== undefined || version.note?.kind === 'settling';
        if (files && stale) version.note = settled.includes(files) ? { kind: 'not-selected' } : { kind: 'settling' };
        else if (failureOf(version)) version.note = { kind: 'retired', cause: 'removed' };
        continue;
      }
      if (!files) this.retireVersion(name, version, 'removed');
      else if (failedVersion === undefined) this.retireVersion(name, version, 'not-selected');
      else version.note = { kind: 'kept-serving', failedVersion };
    }
    for (const files of directory.versions) {
      if (!slot.versions.has(files.version)) {
        slot.versions.set(files.version, {
          version: files.version,
          state: 'UNAVAILABLE',
          note: this.isComplete(files, mode) ? { kind: 'not-selected' } : { kind: 'settling' },
        });
      }
    }
  }

  private async ensureLoaded(name: string, slot: ModelSlot, files: VersionFiles, config: ModelConfig): Promise<void> {
    let version = slot.versions.get(files.version);
    if (!version) {
      version = { version: files.version, state: 'UNKNOWN' };
      slot.versions.set(files.version, version);
    }
    const stamp = stampOf(files, config);
    if (version.serving && version.loadedStamp === stamp) return;
    if (version.failedStamp === stamp) return; // the same broken files: not retried on every poll
    if (!version.serving) this.setState(name, version, 'LOADING', undefined);
    const started = Date.now();
    const where = { model: name, version: files.version, file: files.modelPath };
    const target = version;
    try {
      const loaded = await buildVersion(this.options, {
        model: name,
        directory: slot.directory!,
        files,
        config,
        onReleased: () => this.onVersionReleased(name, files.version),
      });
      const previous = version.serving;
      version.serving = loaded; // the swap: one assignment
      version.loadedStamp = stamp;
      version.failedStamp = undefined;
      this.setState(name, version, 'READY', undefined);
      previous?.retire();
      this.options.logger.info({ ...where, loadMs: Date.now() - started, swapped: previous !== undefined }, 'model version ready');
    } catch (error) {
      const failure = loadFailureOf('session', error);
      const note: VersionNote = target.serving ? { kind: 'reload-failed', failure } : { kind: 'load-failed', failure };
      this.options.logger.error(
        { ...where, reason: publicReason(note), detail: failure.detail },
        target.serving ? 'model version reload failed; the loaded copy keeps serving' : 'model version failed to load',
      );
      this.setState(name, target, target.serving ? target.state : 'UNAVAILABLE', note);
      target.failedStamp = stamp;
    }
  }

  private onVersionReleased(name: string, version: number): void {
    const slot = this.models.get(name)?.versions.get(version);
    if (slot?.state === 'UNLOADING' && !slot.serving) this.setState(name, slot, 'UNAVAILABLE', slot.note);
    this.emit('version-released', { model: name, version });
  }

  private retireVersion(name: string, version: VersionSlot, cause: RetireCause): void {
    if (!version.serving) return;
    const serving = version.serving;
    version.serving = undefined;
    version.loadedStamp = undefined;
    // UNLOADING while its running requests drain; the release callback turns it UNAVAILABLE.
    this.setState(name, version, 'UNLOADING', { kind: 'retired', cause });
    serving.retire();
    this.options.logger.info(
      { model: name, version: version.version, reason: publicReason(version.note), draining: serving.activeRequests },
      'model version unloaded',
    );
  }

  private removeModel(name: string): void {
    const slot = this.models.get(name);
    if (!slot) return;
    for (const version of slot.versions.values()) this.retireVersion(name, version, 'removed');
    this.models.delete(name);
  }

  // ---- aliases and traffic -----------------------------------------------------------------------------------

  aliasesOf(name: string): Record<string, number> {
    return routing.aliasesOf(this.requireModel(name));
  }

  setAlias(name: string, alias: string, version: number | null): void {
    routing.setAlias(this.requireModel(name), alias, version);
  }

  setTraffic(name: string, split: TrafficSplit | undefined): void {
    routing.setTraffic(this.requireModel(name), split);
  }

  trafficOf(name: string): TrafficSplit | undefined {
    return this.requireModel(name).traffic;
  }

  // ---- routing ---------------------------------------------------------------------------------------------

  private requireModel(name: string): ModelSlot {
    const slot = this.models.get(name);
    if (!slot) throw modelNotFound(name);
    return slot;
  }

  /** Routes a request: the LoadedVersion it must run on, already counted as in flight. Call release() after. */
  acquire(name: string, label?: string): LoadedVersion {
    const version = routing.resolveVersion(this.requireModel(name), label);
    const serving = version.serving;
    if (!serving) throw routing.versionNotReady(name, version);
    serving.acquire();
    return serving;
  }

  /** Readiness of a model (no label: any routable version) or of one version. Throws 404s like acquire. */
  isReady(name: string, label?: string): boolean {
    try {
      return routing.resolveVersion(this.requireModel(name), label).serving !== undefined;
    } catch (error) {
      if (error instanceof SluiceError && error.code === 'SLUICE_ERR_MODEL_NOT_READY') return false;
      throw error;
    }
  }

  /** The version number a label (a number or an alias) names, serving or not; 404s like acquire. */
  versionOf(name: string, label: string): number {
    if (label === '') throw new SluiceError('SLUICE_ERR_VERSION_NOT_FOUND', `model "${name}" has no version ""`);
    return routing.resolveVersion(this.requireModel(name), label).version;
  }

  /** True when the model is in the registry (its directory was found), loaded or not. */
  hasModel(name: string): boolean {
    return this.models.has(name);
  }

  /** The version a metadata request describes, without counting it in flight. */
  describe(name: string, label?: string): { loaded?: LoadedVersion; versions: number[]; config?: ModelConfig } {
    const slot = this.requireModel(name);
    const version = routing.resolveVersion(slot, label);
    if (!version.serving) throw routing.versionNotReady(name, version);
    const versions = [...slot.versions.values()]
      .filter((v) => v.serving)
      .map((v) => v.version)
      .sort((a, b) => a - b);
    return { loaded: version.serving, versions, config: slot.config };
  }

  /** Repository index: one entry per version known, or per model when it has none. Reasons are public. */
  index(): IndexEntry[] {
    const entries: IndexEntry[] = [];
    for (const slot of [...this.models.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const reason = modelReason(slot);
      if (slot.versions.size === 0) {
        entries.push({ name: slot.name, state: reason ? 'UNAVAILABLE' : 'UNKNOWN', reason });
        continue;
      }
      for (const version of [...slot.versions.values()].sort((a, b) => a.version - b.version)) {
        entries.push({
          name: slot.name,
          version: String(version.version),
          state: version.state,
          reason: publicReason(version.note) || reason,
        });
      }
    }
    return entries;
  }

  /** Every model with at least one routable version: for /v1/models and readiness. */
  readyModels(): { name: string; versions: number[]; task: string }[] {
    return [...this.models.values()]
      .map((slot) => {
        const ready = [...slot.versions.values()].filter((v) => v.serving);
        return {
          name: slot.name,
          versions: ready.map((v) => v.version).sort((a, b) => a - b),
          task: ready[0]?.serving?.task.name ?? 'raw',
        };
      })
      .filter((m) => m.versions.length > 0);
  }

  /**
   * Models that failed to load and serve nothing: config.json unusable, or a version failed and none serves.
   * A model whose new version failed while an older one keeps serving is not in this list (it still serves).
   */
  failedModels(): string[] {
    return [...this.models.values()]
      .filter((slot) => {
        const versions = [...slot.versions.values()];
        if (versions.some((v) => v.serving)) return false;
        return slot.configFailure !== undefined || versions.some((v) => failureOf(v));
      })
      .map((slot) => slot.name)
      .sort();
  }

  /** Retires everything (shutdown). Sessions go as their requests finish. */
  retireAll(): void {
    for (const [name, slot] of this.models)
      for (const version of slot.versions.values()) this.retireVersion(name, version, 'shutting-down');
  }
}
