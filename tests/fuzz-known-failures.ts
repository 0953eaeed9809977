/**
 * Fuzz failures in areas other branches are fixing (auth, enterprise, registry, runtime, server). Each entry
 * is a failure that still happens on this branch; tests/fuzz.test.ts fails when one stops happening, so the
 * entry is removed (and the check enabled) once the fix is merged. Never add an entry for the codec's own routes.
 */
export interface KnownFailure {
  /** Why this is expected today, and which issue-11 item fixes it. */
  reason: string;
  /** The fuzz route label ("METHOD /pattern", or "raw ..."). */
  route: string | RegExp;
  /** Matches the violation text (e.g. "status 500 SLUICE_ERR_INTERNAL"). */
  violation: RegExp;
  /** Matches the input's description (method, path, headers, body), when only some inputs fail. */
  input?: RegExp;
}

export const KNOWN_FUZZ_FAILURES: KnownFailure[] = [];
