/**
 * Launches Debian's Chromium (/usr/bin/chromium, installed by scripts/install-chromium.sh) through playwright-core.
 * Playwright cannot download its own browsers here, and without the background-networking flags Chromium tries
 * to reach Google's services: the flags below keep it on loopback. Every launch gets a fresh, empty profile
 * (playwright's launch() creates a temporary --user-data-dir and removes it on close).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type LaunchOptions } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Domains of the browser's own Google services. Debian's Chromium 156 looks names up under them even with
 * --disable-background-networking and --disable-component-update, seen with strace: accounts.google.com and
 * update.googleapis.com at start-up (on a blank page, without Playwright too), then content-autofill.googleapis.com
 * (autofill's server queries, once a page has form fields), clients2.google.com and
 * optimizationguide-pa.googleapis.com as pages come and go. They are Chromium's services, not the console's:
 * --host-resolver-rules answers every name under these domains "not found", so no DNS query leaves the machine.
 * Only these domains: any other name the browser resolved, or address it connected to (an IP literal included),
 * still shows in the zero-egress test's strace of Chromium.
 */
export const CHROMIUM_OWN_SERVICE_DOMAINS = ['google.com', 'googleapis.com', 'gstatic.com', 'gvt1.com'] as const;

/** Chromium's flags for these tests; playwright adds --headless (headless: true) and its own automation flags. */
export const CHROMIUM_ARGS = [
  `--host-resolver-rules=${CHROMIUM_OWN_SERVICE_DOMAINS.map((domain) => `MAP ${domain} ~NOTFOUND, MAP *.${domain} ~NOTFOUND`).join(', ')}`,
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--disable-breakpad',
  '--metrics-recording-only',
  '--no-pings',
  '--dns-prefetch-disable',
  '--disable-features=AutofillServerCommunication,OptimizationHints',
] as const;

/** The viewport of every page (and so of the screenshots in docs/screenshots/). */
export const VIEWPORT = { width: 1280, height: 800 } as const;

export async function launchChromium(options: Pick<LaunchOptions, 'executablePath' | 'env'> = {}): Promise<Browser> {
  const executablePath = options.executablePath ?? CHROMIUM_PATH;
  if (!existsSync(executablePath))
    throw new Error(`${executablePath} is missing: run scripts/install-chromium.sh (npm run test:browser does)`);
  return chromium.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS],
    timeout: 60_000,
    ...(options.env ? { env: options.env } : {}),
  });
}

/** A fresh browser context (its own cookies and cache) with the standard viewport. */
export function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, locale: 'en-US', timezoneId: 'UTC', ...options });
}
