/**
 * Records every request a browser context makes (documents, scripts, styles, images, fetches, workers,
 * favicons...), so a test can assert that the console talks only to the server that served it.
 */
import type { BrowserContext } from 'playwright-core';

export interface RecordedRequest {
  url: string;
  method: string;
  resourceType: string;
}

export interface RequestLog {
  requests: RecordedRequest[];
  /** Requests whose origin is not `origin` (data: and blob: URLs never leave the browser and are not counted). */
  foreign(origin: string): RecordedRequest[];
}

const IN_BROWSER = /^(data|blob|about):/;

export function recordRequests(context: BrowserContext): RequestLog {
  const requests: RecordedRequest[] = [];
  context.on('request', (request) => requests.push({ url: request.url(), method: request.method(), resourceType: request.resourceType() }));
  return {
    requests,
    foreign: (origin) => requests.filter((request) => !IN_BROWSER.test(request.url) && new URL(request.url).origin !== origin),
  };
}
