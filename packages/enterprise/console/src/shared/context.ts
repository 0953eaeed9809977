/**
 * The browser-side view of core's console contract (ConsolePageContext in packages/core/src/extensions.ts).
 * Restated here, type only, because this browser bundle cannot compile core's server modules (fastify, node
 * types). Keep it in step with ConsoleSession / ConsolePageContext there.
 */
export interface PageSession {
  kind: string;
  id: string;
  name?: string;
  scopes: readonly string[];
  models?: readonly string[];
  role?: string;
  expiresAt?: string;
  plan: string;
  version: string;
}

export interface PageContext {
  session: PageSession;
  api(path: string, init?: RequestInit): Promise<Response>;
  navigate(path: string): void;
}
