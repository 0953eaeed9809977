/** Bounds how long a client waits for an inference; the run itself finishes in its worker regardless. */
import { SluiceError } from '../../errors.js';

export function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SluiceError('SLUICE_ERR_REQUEST_TIMEOUT', `the inference took longer than ${timeoutMs} ms`, { headers: { 'retry-after': '1' } })), timeoutMs);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
