/**
 * Core's console contract, as the pages see it: type-only imports from core's public extension contract
 * (packages/core/src/extensions.ts), so nothing of the server is bundled and a change there fails this build.
 */
export type { ConsolePageContext as PageContext, ConsoleSession as PageSession } from '../../../../core/src/extensions.js';
