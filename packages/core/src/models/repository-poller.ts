/** Poll mode: re-reads the repository on an interval; the registry loads, swaps and removes what changed. */
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { ModelRegistry } from './model-registry.js';

export function startRepositoryPolling(registry: ModelRegistry, intervalMs: number, logger: Logger): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      await registry.syncAll('poll');
    } catch (error) {
      logger.error({ err: error }, 'repository poll failed');
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  timer = setTimeout(tick, intervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
