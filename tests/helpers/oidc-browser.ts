/**
 * A small scripted "browser" for the SSO tests: a cookie jar that behaves like a browser's (cookies are per
 * host, not per port; Path and Max-Age honoured; Secure cookies never sent over plain http), redirects followed
 * by hand (so each hop can be inspected or stopped), and HTML forms filled in and posted.
 */
export interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
  expiresAt: number | undefined;
  secure: boolean;
  httpOnly: boolean;
  sameSite: string | undefined;
  /** The raw Set-Cookie line, for assertions on its attributes. */
  raw: string;
}

export interface Hop {
  method: string;
  url: string;
  status: number;
  location: string | undefined;
}

export class TestBrowser {
  cookies: StoredCookie[] = [];
  /** Every request made, in order. */
  history: Hop[] = [];

  cookie(name: string, host = '127.0.0.1'): StoredCookie | undefined {
    return this.cookies.find((c) => c.name === name && c.host === host && (c.expiresAt === undefined || c.expiresAt > Date.now()));
  }

  private cookieHeader(url: URL): string | undefined {
    const now = Date.now();
    this.cookies = this.cookies.filter((c) => c.expiresAt === undefined || c.expiresAt > now);
    const matching = this.cookies
      .filter(
        (c) =>
          c.host === url.hostname &&
          (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)) &&
          (!c.secure || url.protocol === 'https:'),
      )
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length > 0 ? matching.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  private store(url: URL, lines: string[]): void {
    for (const raw of lines) {
      const [pair, ...attributes] = raw.split(';').map((part) => part.trim());
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      let path = url.pathname.replace(/\/[^/]*$/, '') || '/';
      let expiresAt: number | undefined;
      let secure = false;
      let httpOnly = false;
      let sameSite: string | undefined;
      for (const attribute of attributes) {
        const [key, ...rest] = attribute.split('=');
        const attributeValue = rest.join('=');
        switch (key!.toLowerCase()) {
          case 'path':
            path = attributeValue || '/';
            break;
          case 'max-age':
            expiresAt = Date.now() + Number(attributeValue) * 1000;
            break;
          case 'expires':
            if (expiresAt === undefined) expiresAt = Date.parse(attributeValue);
            break;
          case 'secure':
            secure = true;
            break;
          case 'httponly':
            httpOnly = true;
            break;
          case 'samesite':
            sameSite = attributeValue;
            break;
        }
      }
      // A browser drops a Secure cookie set over plain http.
      if (secure && url.protocol !== 'https:') continue;
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.host === url.hostname && c.path === path));
      if (expiresAt !== undefined && expiresAt <= Date.now()) continue;
      this.cookies.push({ name, value, host: url.hostname, path, expiresAt, secure, httpOnly, sameSite, raw });
    }
  }

  /** One request, no redirect following. */
  async fetch(
    input: string | URL,
    init: { method?: string; headers?: Record<string, string>; form?: Record<string, string>; body?: string } = {},
  ): Promise<Response> {
    const url = new URL(input);
    const headers: Record<string, string> = { accept: 'text/html,application/json;q=0.9', ...init.headers };
    const cookie = this.cookieHeader(url);
    if (cookie) headers['cookie'] = cookie;
    let body: string | undefined = init.body;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const method = init.method ?? (init.form ? 'POST' : 'GET');
    const response = await fetch(url, { method, headers, body, redirect: 'manual' });
    this.store(url, response.headers.getSetCookie());
    const location = response.headers.get('location') ?? undefined;
    this.history.push({ method, url: url.href, status: response.status, location: location ? new URL(location, url).href : undefined });
    return response;
  }

  /** Follows redirects (GET after 301/302/303, like browsers) until a non-redirect or `stop(url)` says so. */
  async follow(
    response: Response,
    from: string | URL,
    stop?: (next: URL) => boolean,
  ): Promise<{ response: Response; url: URL; stoppedAt?: URL }> {
    let current = response;
    let url = new URL(from);
    for (let hops = 0; hops < 20; hops += 1) {
      const location = current.headers.get('location');
      if (current.status < 300 || current.status >= 400 || !location) return { response: current, url };
      const next = new URL(location, url);
      await current.arrayBuffer().catch(() => undefined);
      if (stop?.(next)) return { response: current, url, stoppedAt: next };
      url = next;
      current = await this.fetch(next);
    }
    throw new Error('too many redirects');
  }

  async get(url: string | URL, stop?: (next: URL) => boolean) {
    return this.follow(await this.fetch(url), url, stop);
  }

  /** Finds the page's (first) form, fills `values` into it and posts it, following the redirects. */
  async submitForm(page: { response: Response; url: URL }, values: Record<string, string>, stop?: (next: URL) => boolean) {
    const html = await page.response.text();
    const form = /<form[^>]*action="([^"]+)"[^>]*>/i.exec(html);
    if (!form) throw new Error(`no form on ${page.url.href}: ${html.slice(0, 300)}`);
    const action = new URL(form[1]!.replace(/&amp;/g, '&'), page.url);
    // Hidden inputs travel with the form (e.g. an anti-CSRF token), as in a browser.
    const hidden: Record<string, string> = {};
    for (const input of html.matchAll(/<input\b[^>]*>/gi)) {
      const tag = input[0];
      if (!/type="hidden"/i.test(tag)) continue;
      const name = /name="([^"]*)"/i.exec(tag)?.[1];
      if (name) hidden[name] = /value="([^"]*)"/i.exec(tag)?.[1] ?? '';
    }
    return this.follow(await this.fetch(action, { form: { ...hidden, ...values } }), action, stop);
  }
}
