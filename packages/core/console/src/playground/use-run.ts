/** The state of one playground request: running, its answer or error, and the curl command that matches it. */
import { useState } from 'preact/hooks';
import { messageOf } from '../api.js';
import type { CurlRequest } from '../curl.js';

export interface RunState<T> {
  running: boolean;
  result: T | null;
  error: string | null;
  curl: CurlRequest | null;
}

export function useRun<T>() {
  const [state, setState] = useState<RunState<T>>({ running: false, result: null, error: null, curl: null });
  const run = async (call: { curl: CurlRequest; answer: Promise<T> }): Promise<void> => {
    setState({ running: true, result: null, error: null, curl: call.curl });
    try {
      const result = await call.answer;
      setState({ running: false, result, error: null, curl: call.curl });
    } catch (error) {
      setState({ running: false, result: null, error: messageOf(error), curl: call.curl });
    }
  };
  const fail = (message: string): void => setState({ running: false, result: null, error: message, curl: null });
  return { state, run, fail };
}
