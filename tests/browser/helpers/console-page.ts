/**
 * Opening the console as a person would: a fresh browser context (no cookies), every request it makes recorded,
 * and sign-in through the sign-in page with an API key (the key goes into the form, the server answers with an
 * HttpOnly session cookie).
 */
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { newContext } from './chromium.js';
import type { ConsoleServer } from './console-server.js';
import { recordRequests, type RequestLog } from './request-log.js';

export interface ConsoleTab {
  context: BrowserContext;
  page: Page;
  requests: RequestLog;
  /** Uncaught exceptions and console errors the page reported, and answers of 400 or more (status, method, URL). */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openTab(browser: Browser, options: BrowserContextOptions = {}): Promise<ConsoleTab> {
  const context = await newContext(browser, options);
  const requests = recordRequests(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // "Failed to load resource" repeats an error answer, which is recorded with its URL below.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
  });
  page.on('response', (response) => {
    if (response.status() >= 400)
      pageErrors.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
  });
  return { context, page, requests, pageErrors, close: () => context.close() };
}

/**
 * The page errors a test did not cause on purpose: everything but the console's first question, "is anyone
 * signed in?" (GET /auth/session answers 401 before sign-in).
 */
export function unexpectedErrors(tab: ConsoleTab, expected: RegExp[] = []): string[] {
  return tab.pageErrors.filter((error) => error !== '401 GET /auth/session' && !expected.some((pattern) => pattern.test(error)));
}

/** The URL of a console page: '' is the overview. */
export function consoleUrl(server: ConsoleServer, page = ''): string {
  return `${server.url}/console/${page}`;
}

/** Signs in through the sign-in page with `token` and waits for the console's navigation. */
export async function signInWithKey(page: Page, server: ConsoleServer, token = server.adminToken): Promise<void> {
  await page.goto(consoleUrl(server));
  await page.getByLabel('API key').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await consoleNavigation(page).waitFor();
}

/** The console's page navigation (present once signed in). */
export function consoleNavigation(page: Page) {
  return page.getByRole('navigation', { name: 'Console pages' });
}

/** Goes to a console page through its navigation link (a client-side navigation, as a person clicks). */
export async function goToPage(page: Page, title: string | RegExp): Promise<void> {
  await consoleNavigation(page)
    .getByRole('link', { name: title, exact: typeof title === 'string' })
    .click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}
