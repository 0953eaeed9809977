/** Runs `load` now and every `ms` while the component is shown and the tab is visible. */
import { useEffect, useRef } from 'preact/hooks';

export function usePolling(load: () => Promise<void>, ms: number, deps: unknown[] = []): void {
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const tick = async (): Promise<void> => {
      if (document.visibilityState === 'visible') await latest.current().catch(() => undefined);
      if (!stopped) timer = window.setTimeout(() => void tick(), ms);
    };
    void tick();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
    // The caller's deps restart the loop (e.g. another model selected).
  }, [ms, ...deps]);
}
