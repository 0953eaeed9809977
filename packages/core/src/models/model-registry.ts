/**
 * The registry of models and versions: what the repository holds, what is loaded, and where each request goes.
 *
 * Hot swap is a pointer flip: a version slot's `serving` is replaced by a fully loaded LoadedVersion in one
 * assignment; the one it replaces is retired and releases its sessions when its last request ends. A failed
 * load never touches the serving pointer. Loads of one model are serialised; different models load in parallel.
 */
import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger as Logger } from 'fastify';
import { SluiceError } from '../errors.js';
import { LoadedVersion } from './loaded-version.js';
import { ModelConfigError, parseModelConfig, selectVersions, type ModelConfig } from './model-config.js';
import { readModelDirectory, scanRepository, isValidModelName, type ModelDirectory, type VersionFiles } from './repository.js';
import type { WorkerPool } from './runtime/worker-pool.js';
import type { ServerMetrics } from '../observability/server-metrics.js';
import { signatureFromSession } from './signature.js';
import { createTask } from './tasks/create-task.js';
import { attachDynamicBatching } from './batching/attach-dynamic-batching.js';

export type VersionState = 'UNKNOWN' | 'READY' | 'UNAVAILABLE' | 'LOADING' | 'UNLOADING';

interface VersionSlot {
  version: number;
  state: VersionState;
  reason: string;
  serving?: LoadedVersion;
  /** size:mtime:config of what `serving` was loaded from; a change means reload. */
  loadedStamp?: string;
  /** The stamp of the files that last failed to load: not retried until they change (or an API load). */
  failedStamp?: string;
}

interface ModelSlot {
  name: string;
  directory?: string;
  /** The config used for the next load: config.json, or an override sent with an API load. */
  config?: ModelConfig;
  configOverride?: ModelConfig;
  reason: string;
  versions: Map<number, VersionSlot>;
  /** Aliases set through the API; they win over config.json's. */
  apiAliases: Map<string, number>;
  traffic?: TrafficSplit;
  /** Serialises loads and unloads of this model. */
  queue: Promise<unknown>;
}

export interface TrafficSplit {
  versions: { version: number; weight: number }[];
}

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
}

export type SyncMode = 'explicit' | 'poll';

export interface RegistryEvents {
  'version-state': [{ model: string; version: number; state: VersionState; reason: string }];
  'version-released': [{ model: string; version: number }];
}

function versionNotReady(name: string, version: VersionSlot): SluiceError {
  const reason = version.reason ? `: ${version.reason}` : '';
  return new SluiceError('SLUICE_ERR_MODEL_NOT_READY', `model "${name}" version ${version.version} is ${version.state}${reason}`, { headers: { 'retry-after': '1' } });
}

function stampOf(files: VersionFiles, config: ModelConfig): string {
  return `${files.size}:${files.mtimeMs}:${JSON.stringify(config)}`;
}

export class ModelRegistry extends EventEmitter<RegistryEvents> {
  private readonly models = new Map<string, ModelSlot>();

  constructor(private readonly options: RegistryOptions) {
    super();
    options.pool.on('worker-lost', ({ workerIndex, generation, reason }) => this.onWorkerLost(workerIndex, generation, reason));
  }

  // ---- loading ---------------------------------------------------------------------------------------------

  /** Start-up and poll ticks: bring every model in the repository in line with the files. */
  async syncAll(mode: SyncMode): Promise<void> {
    const directories = await scanRepository(this.options.repository);
    const present = new Set(directories.map((d) => d.name));
    const tasks = directories.map((d) => this.enqueue(d.name, () => this.syncModel(d.name, d, mode)));
    if (mode === 'poll') {
      for (const name of this.models.keys()) if (!present.has(name)) tasks.push(this.enqueue(name, () => this.removeModel(name, 'removed from the repository')));
    }
    await Promise.allSettled(tasks);
  }

  /** Repository API load: (re)load a model now, optionally with a config override. Resolves once done. */
  async load(name: string, configOverride?: unknown): Promise<void> {
    if (!isValidModelName(name)) throw new SluiceError('SLUICE_ERR_BAD_REQUEST', `"${name}" is not a valid model name`);
    let override: ModelConfig | undefined;
    if (configOverride !== undefined) {
      try {
        override = parseModelConfig(configOverride);
      } catch (error) {
        throw new SluiceError('SLUICE_ERR_BAD_REQUEST', (error as Error).message);
      }
    }
    await this.enqueue(name, async () => {
      const directory = await readModelDirectory(this.options.repository, name);
      if (!directory) throw new SluiceError('SLUICE_ERR_MODEL_NOT_FOUND', `model "${name}" is not in the repository`);
      const slot = this.slotFor(name);
      if (override) slot.configOverride = override;
      for (const version of slot.versions.values()) version.failedStamp = undefined; // an explicit load retries
      await this.syncModel(name, directory, 'explicit');
      const failures = [...slot.versions.values()].filter((v) => v.reason.startsWith('load failed'));
      if (slot.reason) throw new SluiceError('SLUICE_ERR_MODEL_LOAD_FAILED', slot.reason);
      if (failures.length > 0) {
        const serving = [...slot.versions.values()].filter((v) => v.serving).map((v) => v.version);
        const still = serving.length > 0 ? `; still serving version(s) ${serving.join(', ')}` : '; no version is serving';
        throw new SluiceError('SLUICE_ERR_MODEL_LOAD_FAILED', `${failures.map((f) => `version ${f.version}: ${f.reason}`).join('; ')}${still}`);
      }
    });
  }

  /** Repository API unload: stop routing to every version; running requests finish first. */
  async unload(name: string): Promise<void> {
    const slot = this.models.get(name);
    if (!slot) throw new SluiceError('SLUICE_ERR_MODEL_NOT_FOUND', `model "${name}" is not in the repository`);
    await this.enqueue(name, async () => {
      for (const version of slot.versions.values()) this.retireVersion(name, version, 'unloaded');
      slot.configOverride = undefined;
    });
  }

  private enqueue<T>(name: string, work: () => Promise<T>): Promise<T> {
    const slot = this.slotFor(name);
    const run = slot.queue.then(work, work);
    slot.queue = run.catch(() => undefined);
    return run;
  }

  private slotFor(name: string): ModelSlot {
    let slot = this.models.get(name);
    if (!slot) {
      slot = { name, reason: '', versions: new Map(), apiAliases: new Map(), queue: Promise.resolve() };
      this.models.set(name, slot);
    }
    return slot;
  }

  private setState(model: string, slot: VersionSlot, state: VersionState, reason: string): void {
    slot.state = state;
    slot.reason = reason;
    this.options.metrics.modelState.set({ model, version: String(slot.version) }, state === 'READY' ? 1 : 0);
    this.emit('version-state', { model, version: slot.version, state, reason });
  }

  private isComplete(files: VersionFiles, mode: SyncMode): boolean {
    return mode === 'explicit' || files.hasReadyMarker || Date.now() - files.mtimeMs >= this.options.settleMs;
  }

  private async syncModel(name: string, directory: ModelDirectory, mode: SyncMode): Promise<void> {
    const slot = this.slotFor(name);
    slot.directory = directory.directory;
    if (directory.configError && !slot.configOverride) {
      slot.reason = directory.configError;
      this.options.logger.error({ model: name, file: `${directory.directory}/config.json`, reason: directory.configError }, 'model config is invalid; versions already serving keep serving');
      return;
    }
    slot.config = slot.configOverride ?? directory.config!;
    slot.reason = '';
    const complete = directory.versions.filter((v) => this.isComplete(v, mode));
    const wanted = new Set(selectVersions(slot.config.versionPolicy, complete.map((v) => v.version)));
    if (wanted.size === 0 && directory.versions.length === 0) slot.reason = 'no version directory with a model.onnx';

    await Promise.all(complete.filter((v) => wanted.has(v.version)).map((files) => this.ensureLoaded(name, slot, files, slot.config!)));
    // A wanted version that failed to load must not take the current one down with it: the versions it would
    // replace keep serving until it loads.
    const failedVersion = [...wanted].find((v) => !slot.versions.get(v)?.serving);
    for (const version of slot.versions.values()) {
      if (wanted.has(version.version)) continue;
      if (!version.serving) {
        // A failure of a version that is no longer wanted is history, not a current problem.
        if (version.reason.startsWith('load failed')) version.reason = 'not selected by the version policy';
        continue;
      }
      const gone = !directory.versions.some((v) => v.version === version.version);
      if (gone) this.retireVersion(name, version, 'version removed from the repository');
      else if (failedVersion === undefined) this.retireVersion(name, version, 'not selected by the version policy');
      else version.reason = `kept serving: version ${failedVersion} failed to load`;
    }
    for (const files of directory.versions) {
      if (!slot.versions.has(files.version)) {
        slot.versions.set(files.version, { version: files.version, state: 'UNAVAILABLE', reason: this.isComplete(files, mode) ? 'not selected by the version policy' : 'waiting for the file to settle (or a READY marker)' });
      }
    }
  }

  private async ensureLoaded(name: string, slot: ModelSlot, files: VersionFiles, config: ModelConfig): Promise<void> {
    let version = slot.versions.get(files.version);
    if (!version) {
      version = { version: files.version, state: 'UNKNOWN', reason: '' };
      slot.versions.set(files.version, version);
    }
    const stamp = stampOf(files, config);
    if (version.serving && version.loadedStamp === stamp) return;
    if (!version.serving && version.failedStamp === stamp) return; // same broken files: don't retry on every poll
    if (!version.serving) this.setState(name, version, 'LOADING', '');
    const started = Date.now();
    try {
      const loaded = await this.buildVersion(name, slot.directory!, files, config);
      const previous = version.serving;
      version.serving = loaded; // the swap: one assignment
      version.loadedStamp = stamp;
      version.failedStamp = undefined;
      this.setState(name, version, 'READY', '');
      previous?.retire();
      this.options.logger.info({ model: name, version: files.version, file: files.modelPath, loadMs: Date.now() - started, swapped: previous !== undefined }, 'model version ready');
    } catch (error) {
      const reason = `load failed: ${(error as Error).message}`;
      this.options.logger.error({ model: name, version: files.version, file: files.modelPath, reason }, version.serving ? 'model version reload failed; the loaded copy keeps serving' : 'model version failed to load');
      if (version.serving) {
        version.reason = reason;
        this.emit('version-state', { model: name, version: files.version, state: version.state, reason });
      } else {
        this.setState(name, version, 'UNAVAILABLE', reason);
      }
      version.failedStamp = stamp;
    }
  }

  private async buildVersion(name: string, directory: string, files: VersionFiles, config: ModelConfig): Promise<LoadedVersion> {
    const instances = Math.max(1, Math.min(config.instances ?? this.options.defaultInstances, this.options.pool.size * 4));
    const threads = config.threads ?? this.options.defaultThreads;
    const attempts = await Promise.allSettled(
      Array.from({ length: instances }, (_, i) => this.options.pool.load(files.modelPath, { intraOpNumThreads: threads, interOpNumThreads: 1 }, i)),
    );
    const sessions = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    const releaseAll = () => Promise.allSettled(sessions.map((s) => this.options.pool.release(s)));
    const failure = attempts.find((a): a is PromiseRejectedResult => a.status === 'rejected');
    if (failure) {
      await releaseAll();
      throw failure.reason;
    }
    try {
      const raw = signatureFromSession(sessions[0]!.inputs, sessions[0]!.outputs);
      const task = await createTask(config, raw, directory);
      const loaded = new LoadedVersion(name, files.version, raw, task, sessions, this.options.pool, (error) => {
        if (error) this.options.logger.warn({ model: name, version: files.version, err: error }, 'releasing sessions failed');
        const slot = this.models.get(name)?.versions.get(files.version);
        if (slot?.state === 'UNLOADING' && !slot.serving) this.setState(name, slot, 'UNAVAILABLE', slot.reason);
        this.emit('version-released', { model: name, version: files.version });
      }, (requests) => {
        const labels = { model: name, version: String(files.version) };
        this.options.metrics.executionCount.inc(labels);
        this.options.metrics.batchSize.observe(labels, requests);
      });
      await attachDynamicBatching(loaded, config, directory, sessions.length, this.options.logger);
      return loaded;
    } catch (error) {
      await releaseAll();
      throw error;
    }
  }

  private retireVersion(name: string, version: VersionSlot, reason: string): void {
    if (!version.serving) return;
    const serving = version.serving;
    version.serving = undefined;
    version.loadedStamp = undefined;
    // UNLOADING while its running requests drain; the release callback turns it UNAVAILABLE.
    this.setState(name, version, 'UNLOADING', reason);
    serving.retire();
    this.options.logger.info({ model: name, version: version.version, reason, draining: serving.activeRequests }, 'model version unloaded');
  }

  private async removeModel(name: string, reason: string): Promise<void> {
    const slot = this.models.get(name);
    if (!slot) return;
    for (const version of slot.versions.values()) this.retireVersion(name, version, reason);
    this.models.delete(name);
  }

  private onWorkerLost(workerIndex: number, generation: number, reason: string): void {
    this.options.logger.error({ workerIndex, reason }, 'an ORT worker stopped; reloading the versions it held');
    for (const [name, slot] of this.models) {
      for (const version of slot.versions.values()) {
        if (version.serving?.usesWorker(workerIndex, generation)) version.loadedStamp = 'lost';
      }
      if ([...slot.versions.values()].some((v) => v.loadedStamp === 'lost')) {
        void this.enqueue(name, async () => {
          const directory = await readModelDirectory(this.options.repository, name);
          if (directory) await this.syncModel(name, directory, 'explicit');
        });
      }
    }
  }

  // ---- aliases and traffic -----------------------------------------------------------------------------------

  aliasesOf(name: string): Record<string, number> {
    const slot = this.requireModel(name);
    return { ...(slot.config?.aliases ?? {}), ...Object.fromEntries(slot.apiAliases) };
  }

  setAlias(name: string, alias: string, version: number | null): void {
    const slot = this.requireModel(name);
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(alias)) throw new SluiceError('SLUICE_ERR_BAD_REQUEST', 'an alias starts with a letter and has only letters, digits, _ and -');
    if (version === null) {
      slot.apiAliases.delete(alias);
      return;
    }
    if (!slot.versions.has(version)) throw new SluiceError('SLUICE_ERR_VERSION_NOT_FOUND', `model "${name}" has no version ${version}`);
    slot.apiAliases.set(alias, version);
  }

  setTraffic(name: string, split: TrafficSplit | undefined): void {
    const slot = this.requireModel(name);
    if (split) {
      if (split.versions.length === 0 || split.versions.some((v) => !(v.weight >= 0)) || split.versions.every((v) => v.weight === 0)) {
        throw new SluiceError('SLUICE_ERR_BAD_REQUEST', 'a traffic split needs at least one version with a positive weight');
      }
      for (const entry of split.versions) {
        if (!slot.versions.has(entry.version)) throw new SluiceError('SLUICE_ERR_VERSION_NOT_FOUND', `model "${name}" has no version ${entry.version}`);
      }
    }
    slot.traffic = split;
  }

  trafficOf(name: string): TrafficSplit | undefined {
    return this.requireModel(name).traffic;
  }

  // ---- routing ---------------------------------------------------------------------------------------------

  private requireModel(name: string): ModelSlot {
    const slot = this.models.get(name);
    if (!slot) throw new SluiceError('SLUICE_ERR_MODEL_NOT_FOUND', `model "${name}" is not in the repository`);
    return slot;
  }

  private hasReadyVersion(slot: ModelSlot): boolean {
    return [...slot.versions.values()].some((v) => v.serving);
  }

  private defaultVersion(slot: ModelSlot): number | undefined {
    const ready = [...slot.versions.values()].filter((v) => v.serving);
    if (slot.traffic) {
      const candidates = slot.traffic.versions.filter((t) => t.weight > 0 && slot.versions.get(t.version)?.serving);
      const total = candidates.reduce((sum, c) => sum + c.weight, 0);
      let pick = Math.random() * total;
      for (const candidate of candidates) {
        pick -= candidate.weight;
        if (pick < 0) return candidate.version;
      }
      if (candidates.length > 0) return candidates[candidates.length - 1]!.version;
    }
    const aliased = slot.apiAliases.get('default') ?? slot.config?.aliases.default;
    if (aliased !== undefined && slot.versions.get(aliased)?.serving) return aliased;
    return ready.reduce<number | undefined>((latest, v) => (latest === undefined || v.version > latest ? v.version : latest), undefined);
  }

  private resolveSlot(name: string, label?: string): { slot: ModelSlot; version: VersionSlot } {
    const slot = this.requireModel(name);
    let number: number | undefined;
    if (label === undefined || label === '') {
      number = this.defaultVersion(slot);
      if (number === undefined) {
        throw new SluiceError('SLUICE_ERR_MODEL_NOT_READY', `model "${name}" has no version ready${slot.reason ? `: ${slot.reason}` : ''}${this.firstFailure(slot)}`, { headers: { 'retry-after': '1' } });
      }
    } else if (/^[0-9]+$/.test(label)) {
      number = Number(label);
    } else {
      number = this.aliasesOf(name)[label];
      if (number === undefined) throw new SluiceError('SLUICE_ERR_VERSION_NOT_FOUND', `model "${name}" has no version or alias "${label}"`);
    }
    const version = slot.versions.get(number);
    if (!version) throw new SluiceError('SLUICE_ERR_VERSION_NOT_FOUND', `model "${name}" has no version ${number}`);
    return { slot, version };
  }

  private firstFailure(slot: ModelSlot): string {
    const failed = [...slot.versions.values()].find((v) => v.reason);
    return failed ? ` (version ${failed.version}: ${failed.reason})` : '';
  }

  /** Routes a request: the LoadedVersion it must run on, already counted as in flight. Call release() after. */
  acquire(name: string, label?: string): LoadedVersion {
    const { version } = this.resolveSlot(name, label);
    const serving = version.serving;
    if (!serving) {
      throw versionNotReady(name, version);
    }
    serving.acquire();
    return serving;
  }

  /** Readiness of a model (no label: any routable version) or of one version. Throws 404s like acquire. */
  isReady(name: string, label?: string): boolean {
    try {
      const { version } = this.resolveSlot(name, label);
      return version.serving !== undefined;
    } catch (error) {
      if (error instanceof SluiceError && error.code === 'SLUICE_ERR_MODEL_NOT_READY') return false;
      throw error;
    }
  }

  /** The version a metadata request describes, without counting it in flight. */
  describe(name: string, label?: string): { loaded?: LoadedVersion; versions: number[]; config?: ModelConfig } {
    const { slot, version } = this.resolveSlot(name, label);
    const versions = [...slot.versions.values()].filter((v) => v.serving).map((v) => v.version).sort((a, b) => a - b);
    if (!version.serving) {
      throw versionNotReady(name, version);
    }
    return { loaded: version.serving, versions, config: slot.config };
  }

  /** Repository index: one entry per version known, or per model when it has none. */
  index(): IndexEntry[] {
    const entries: IndexEntry[] = [];
    for (const slot of [...this.models.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      if (slot.versions.size === 0) {
        entries.push({ name: slot.name, state: slot.reason ? 'UNAVAILABLE' : 'UNKNOWN', reason: slot.reason });
        continue;
      }
      for (const version of [...slot.versions.values()].sort((a, b) => a.version - b.version)) {
        entries.push({ name: slot.name, version: String(version.version), state: version.state, reason: version.reason || slot.reason });
      }
    }
    return entries;
  }

  /** Every model with at least one routable version: for /v1/models and readiness. */
  readyModels(): { name: string; versions: number[]; task: string }[] {
    return [...this.models.values()]
      .map((slot) => {
        const ready = [...slot.versions.values()].filter((v) => v.serving);
        return { name: slot.name, versions: ready.map((v) => v.version).sort((a, b) => a - b), task: ready[0]?.serving?.task.name ?? 'raw' };
      })
      .filter((m) => m.versions.length > 0);
  }

  /** Retires everything (shutdown). Sessions go as their requests finish. */
  retireAll(): void {
    for (const [name, slot] of this.models) for (const version of slot.versions.values()) this.retireVersion(name, version, 'server shutting down');
  }
}
