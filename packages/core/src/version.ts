/** The server's name and version as reported by GET /v2 (read from @sluice/core's package.json). */
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

export const SERVER_NAME = 'sluice';
export const SERVER_VERSION = manifest.version;
