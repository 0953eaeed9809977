/**
 * Single sign-on for people, end to end against a real OpenID Provider (oidc-provider) on loopback: the browser
 * flow with cookies and hand-followed redirects, state / PKCE / nonce enforcement, group-to-role mapping on admin
 * routes, logout (RP-initiated), the `sso` entitlement gate, audit events and metering subjects.
 */
import { get, type IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from './helpers/oidc-browser.js';
import { eventually } from './helpers/oidc-sluice-server.js';
import { ACCOUNTS, INFER_BODY, login, sessionTokenOf, startSsoStack, type SsoStack } from './helpers/oidc-stack.js';
import { postJson } from './helpers/test-server.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('SSO browser login against a real OpenID Provider', () => {
  let stack: SsoStack;
  beforeAll(async () => {
    stack = await startSsoStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('logs a person in: IdP login and consent forms, callback, an HttpOnly SameSite=Lax session cookie, /auth/sso/me', async () => {
    const browser = new TestBrowser();
    const { response, landedAt, authorizationUrl } = await login(stack, browser, ACCOUNTS.alice);
    // The authorization request: code flow with PKCE S256, state and nonce.
    expect(authorizationUrl.searchParams.get('response_type')).toBe('code');
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizationUrl.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorizationUrl.searchParams.get('state')).toBeTruthy();
    expect(authorizationUrl.searchParams.get('nonce')).toBeTruthy();
    // The browser really went through the IdP's forms.
    expect(browser.history.some((hop) => hop.method === 'POST' && hop.url.endsWith('/login'))).toBe(true);
    expect(browser.history.some((hop) => hop.method === 'POST' && hop.url.endsWith('/confirm'))).toBe(true);

    // A person lands in the web console; who they are is the session's /auth/sso/me.
    expect(landedAt!.pathname).toBe('/console/');
    expect(response).toBeDefined();
    const meResponse = await browser.fetch(`${stack.url}/auth/sso/me`);
    expect(meResponse.status).toBe(200);
    const me = (await meResponse.json()) as Record<string, any>;
    expect(me).toMatchObject({ subject: 'alice', name: 'Alice Admin', email: 'alice@example.test', role: 'admin', scopes: ['admin'] });
    // What the IdP's groups were (shown on the console's Account page) beside the role they mapped to.
    expect(me).toMatchObject({ roleClaim: 'groups', groups: ['data-science', 'sluice-admins'] });

    const cookie = browser.cookie('sluice_sso')!;
    expect(cookie.value).toMatch(/^sso_[A-Za-z0-9_-]{43}$/);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false });
    // The login-binding cookie is gone once the login completed.
    expect(browser.cookie('sluice_sso_login')).toBeUndefined();
  });

  it("offers 'Sign in with SSO' on the console's sign-in page, and sets the role on the principal", async () => {
    expect(stack.sluice.app.sluice.extensions.console.signIns()).toEqual([
      {
        id: 'sso',
        label: 'Sign in with SSO',
        href: '/auth/sso/login',
        signOutHref: '/auth/sso/logout',
        principalKind: 'oidc',
        errorMessages: expect.objectContaining({ SLUICE_EE_ERR_SSO_NO_ROLE: expect.stringContaining('no Sluice role') }),
      },
    ]);
    const browser = new TestBrowser();
    await login(stack, browser, ACCOUNTS.carol);
    // The session strategy core asks for this browser's token answers a principal carrying the mapped role.
    const strategy = stack.sluice.app.sluice.extensions.auth.strategies().find((s) => s.name === 'sso-session')!;
    const outcome = await strategy.authenticate({ bearer: sessionTokenOf(browser) }, {} as FastifyRequest);
    expect(outcome).toMatchObject({
      result: 'authenticated',
      principal: { kind: 'oidc', id: 'carol', role: 'user', scopes: ['infer', 'models:read'] },
    });
  });

  it('re-evaluates the role at each login and lands on return_to', async () => {
    const browser = new TestBrowser();
    const { landedAt, response } = await login(stack, browser, ACCOUNTS.carol, { returnTo: '/auth/sso/me?from=test' });
    expect(landedAt!.pathname + landedAt!.search).toBe('/auth/sso/me?from=test');
    expect(await response!.json()).toMatchObject({ subject: 'carol', role: 'user', scopes: ['infer', 'models:read'] });
    // An open redirect through return_to is refused.
    for (const target of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const refused = await browser.fetch(`${stack.url}/auth/sso/login?return_to=${encodeURIComponent(target)}`, {
        headers: { accept: 'application/json' },
      });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ code: 'SLUICE_EE_ERR_SSO_BAD_REQUEST' });
    }
  });

  it('authenticates API calls with the session (as a bearer token) and records the subject in inference events', async () => {
    const browser = new TestBrowser();
    await login(stack, browser, ACCOUNTS.alice);
    // A script in the page obtains the session's bearer token (the cookie itself is HttpOnly).
    const issued = await browser.fetch(`${stack.url}/auth/sso/session-token`, { method: 'POST', headers: { accept: 'application/json' } });
    expect(issued.status).toBe(200);
    const { access_token: token, token_type: type } = (await issued.json()) as { access_token: string; token_type: string };
    expect(type).toBe('Bearer');
    expect(token).toBe(sessionTokenOf(browser));

    const inferred = await postJson(`${stack.url}/v2/models/sentiment/infer`, INFER_BODY, bearer(token));
    expect(inferred.status).toBe(200);
    const event = await eventually(() => stack.sluice.inference.find((e) => e.subject === 'alice'));
    expect(event).toMatchObject({ subject: 'alice', principalKind: 'oidc', model: 'sentiment', status: 'success' });
    expect(event.keyId).toBeUndefined();
    // /auth/sso/me accepts the bearer form too.
    expect((await fetch(`${stack.url}/auth/sso/me`, { headers: bearer(token) })).status).toBe(200);
    // A cross-origin page cannot mint a token from the cookie.
    const crossOrigin = await browser.fetch(`${stack.url}/auth/sso/session-token`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
    });
    expect(crossOrigin.status).toBe(400);
  });

  it('authenticates API calls with the session cookie itself, same-origin only for state changes', async () => {
    const browser = new TestBrowser();
    await login(stack, browser, ACCOUNTS.alice);
    expect((await browser.fetch(`${stack.url}/v2/models/sentiment`)).status).toBe(200);
    const sameOrigin = await browser.fetch(`${stack.url}/v2/models/sentiment/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify(INFER_BODY),
    });
    expect(sameOrigin.status).toBe(200);
    const crossSite = await browser.fetch(`${stack.url}/v2/models/sentiment/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
      body: JSON.stringify(INFER_BODY),
    });
    expect(crossSite.status).toBe(403);
    const stranger = new TestBrowser();
    expect((await stranger.fetch(`${stack.url}/v2/models/sentiment`)).status).toBe(401);
  });

  it('enforces the group-to-role mapping on admin routes: a viewer gets 403 loading a model, an admin 200', async () => {
    const viewer = new TestBrowser();
    await login(stack, viewer, ACCOUNTS.bob);
    const viewerToken = sessionTokenOf(viewer);
    expect(await (await fetch(`${stack.url}/auth/sso/me`, { headers: bearer(viewerToken) })).json()).toMatchObject({
      role: 'viewer',
      scopes: ['models:read'],
    });
    const denied = await postJson(`${stack.url}/v2/repository/models/sentiment/load`, {}, bearer(viewerToken));
    expect(denied.status).toBe(403);
    expect(denied.json).toMatchObject({ code: 'SLUICE_ERR_FORBIDDEN' });
    expect((await postJson(`${stack.url}/v2/models/sentiment/infer`, INFER_BODY, bearer(viewerToken))).status).toBe(403);
    expect((await postJson(`${stack.url}/v2/repository/index`, {}, bearer(viewerToken))).status).toBe(200);

    const admin = new TestBrowser();
    await login(stack, admin, ACCOUNTS.alice);
    const loaded = await postJson(`${stack.url}/v2/repository/models/sentiment/load`, {}, bearer(sessionTokenOf(admin)));
    expect(loaded.status).toBe(200);
    expect((await fetch(`${stack.url}/admin/keys`, { headers: bearer(sessionTokenOf(admin)) })).status).toBe(200);
    expect((await fetch(`${stack.url}/admin/keys`, { headers: bearer(viewerToken) })).status).toBe(403);
  });

  it('refuses a person whose groups map to no role, and audits the failure', async () => {
    const browser = new TestBrowser();
    const { response } = await login(stack, browser, ACCOUNTS.dave);
    expect(response!.status).toBe(403);
    expect(await response!.json()).toMatchObject({ code: 'SLUICE_EE_ERR_SSO_NO_ROLE' });
    expect(browser.cookie('sluice_sso')).toBeUndefined();
    const audit = await eventually(() =>
      stack.sluice.audit.find((e) => e.action === 'sso.login' && e.outcome === 'failure' && e.actor.id === 'dave'),
    );
    expect(audit.reason).toContain('SLUICE_EE_ERR_SSO_NO_ROLE');
  });

  it('refuses a tampered state, and a state used twice (a replayed callback)', async () => {
    const browser = new TestBrowser();
    const { callbackUrl } = await login(stack, browser, ACCOUNTS.carol, { stopAtCallback: true });
    const tampered = new URL(callbackUrl);
    tampered.searchParams.set('state', `${callbackUrl.searchParams.get('state')}x`);
    const refused = await browser.fetch(tampered);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: 'SLUICE_EE_ERR_SSO_STATE_MISMATCH' });

    const missing = new URL(callbackUrl);
    missing.searchParams.delete('state');
    expect((await browser.fetch(missing)).status).toBe(400);

    // The genuine callback still works once ...
    const first = await browser.fetch(callbackUrl);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/console/');
    // ... and a replay of it (same code, same state) is refused: the state is single-use.
    const replay = await browser.fetch(callbackUrl);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ code: 'SLUICE_EE_ERR_SSO_STATE_MISMATCH', error: expect.stringContaining('already used') });
  });

  it("refuses a code replayed into another login attempt (PKCE: the code is bound to the other attempt's verifier)", async () => {
    const browser = new TestBrowser();
    // Attempt A is started but never completed; attempt B goes through the IdP.
    const startA = await browser.fetch(`${stack.url}/auth/sso/login`);
    const stateA = new URL(startA.headers.get('location')!).searchParams.get('state')!;
    const { callbackUrl: callbackB } = await login(stack, browser, ACCOUNTS.carol, { stopAtCallback: true });
    // B's code delivered with A's state: A's PKCE verifier does not match B's challenge.
    const spliced = new URL(callbackB);
    spliced.searchParams.set('state', stateA);
    const refused = await browser.fetch(spliced);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: 'SLUICE_EE_ERR_SSO_CODE_REJECTED' });
    expect(browser.cookie('sluice_sso')).toBeUndefined();
  });

  it('refuses an ID token whose nonce belongs to another authorization request', async () => {
    const browser = new TestBrowser();
    // The authorization request reaches the IdP with another nonce (same state and PKCE challenge): the IdP
    // issues an ID token for that nonce, which is not the one this login attempt stored.
    const { callbackUrl } = await login(stack, browser, ACCOUNTS.carol, {
      stopAtCallback: true,
      tamper: (url) => {
        const changed = new URL(url);
        changed.searchParams.set('nonce', 'nonce-of-another-request-0123456789');
        return changed;
      },
    });
    const refused = await browser.fetch(callbackUrl);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: 'SLUICE_EE_ERR_SSO_NONCE_MISMATCH' });
    expect(browser.cookie('sluice_sso')).toBeUndefined();
    const audit = await eventually(() => stack.sluice.audit.find((e) => e.action === 'sso.login' && e.reason?.includes('NONCE')));
    expect(audit.outcome).toBe('failure');
  });

  it('refuses a callback opened in another browser than the one that started the login (login CSRF)', async () => {
    const victim = new TestBrowser();
    const attacker = new TestBrowser();
    const { callbackUrl } = await login(stack, attacker, ACCOUNTS.carol, { stopAtCallback: true });
    const refused = await victim.fetch(callbackUrl);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      code: 'SLUICE_EE_ERR_SSO_STATE_MISMATCH',
      error: expect.stringContaining('another browser'),
    });
    expect(victim.cookie('sluice_sso')).toBeUndefined();
  });

  it("reports the IdP's own error responses (prompt=none without an IdP session: login_required)", async () => {
    const browser = new TestBrowser();
    const { callbackUrl } = await login(stack, browser, ACCOUNTS.carol, {
      stopAtCallback: true,
      tamper: (url) => {
        const changed = new URL(url);
        changed.searchParams.set('prompt', 'none');
        return changed;
      },
    });
    expect(callbackUrl.searchParams.get('error')).toBe('login_required');
    const refused = await browser.fetch(callbackUrl);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: 'SLUICE_EE_ERR_SSO_IDP_ERROR', error: expect.stringContaining('login_required') });
  });

  it('logs out: the session ends, the cookie is cleared, and the browser goes to the IdP end-session endpoint', async () => {
    const browser = new TestBrowser();
    await login(stack, browser, ACCOUNTS.carol);
    const token = sessionTokenOf(browser);
    expect((await fetch(`${stack.url}/auth/sso/me`, { headers: bearer(token) })).status).toBe(200);

    // A logout form post (a browser navigation): 303 to the IdP with the ID token hint.
    const logout = await browser.fetch(`${stack.url}/auth/sso/logout`, { form: {} });
    expect(logout.status).toBe(303);
    const endSession = new URL(logout.headers.get('location')!);
    expect(endSession.origin + endSession.pathname).toBe(`${stack.idp.issuer}/session/end`);
    expect(endSession.searchParams.get('id_token_hint')).toMatch(/^ey/);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${stack.url}/v2/health/live`);
    expect(browser.cookie('sluice_sso')).toBeUndefined();

    // The session is gone server-side: the token no longer works anywhere.
    const me = await fetch(`${stack.url}/auth/sso/me`, { headers: bearer(token) });
    expect(me.status).toBe(401);
    expect(await me.json()).toMatchObject({ code: 'SLUICE_EE_ERR_SSO_SESSION_EXPIRED' });
    expect((await postJson(`${stack.url}/v2/models/sentiment/infer`, INFER_BODY, bearer(token))).status).toBe(401);

    // The IdP confirms the logout and returns the browser to Sluice; its own session is over too.
    const confirm = await browser.get(endSession);
    const back = await browser.submitForm(confirm, { logout: 'yes' });
    expect(back.url.href).toBe(`${stack.url}/v2/health/live`);
    const again = await browser.get(
      (await browser.fetch(`${stack.url}/auth/sso/login`)).headers.get('location')!,
      (next) => next.pathname === '/auth/sso/callback',
    );
    expect(again.url.pathname).toMatch(/^\/interaction\//); // asked for credentials again

    const audit = await eventually(() => stack.sluice.audit.find((e) => e.action === 'sso.logout' && e.actor.id === 'carol'));
    expect(audit).toMatchObject({ outcome: 'success', actor: { kind: 'oidc', id: 'carol' } });
  });

  it('logs out a script with JSON', async () => {
    const browser = new TestBrowser();
    await login(stack, browser, ACCOUNTS.alice);
    const token = sessionTokenOf(browser);
    const logout = await postJson(`${stack.url}/auth/sso/logout`, {}, { ...bearer(token), accept: 'application/json' });
    expect(logout.status).toBe(200);
    expect(logout.json).toMatchObject({ logged_out: true, end_session_url: expect.stringContaining('/session/end') });
    expect((await fetch(`${stack.url}/auth/sso/me`, { headers: bearer(token) })).status).toBe(401);
  });

  it('audits successful logins with the subject and the session', async () => {
    const event = await eventually(() =>
      stack.sluice.audit.find((e) => e.action === 'sso.login' && e.outcome === 'success' && e.actor.id === 'alice'),
    );
    expect(event).toMatchObject({
      actor: { kind: 'oidc', id: 'alice', name: 'Alice Admin' },
      resource: { type: 'sso-session' },
      reason: 'role admin',
    });
    expect(event.resource.id).toMatch(/^[0-9a-f]{16}$/);
    // Session tokens never reach the audit log or the server log.
    const everything = JSON.stringify(stack.sluice.audit) + JSON.stringify(stack.sluice.logs);
    expect(everything).not.toMatch(/sso_[A-Za-z0-9_-]{43}/);
    expect(everything).not.toContain('web-client-secret-5c1d7e');
  });

  it('marks the cookie Secure when a trusted proxy says the browser used https, and not for an untrusted one', async () => {
    // The stack's Sluice trusts no proxy: X-Forwarded-Proto from an arbitrary peer is ignored.
    const untrusted = await fetch(`${stack.url}/auth/sso/login`, { redirect: 'manual', headers: { 'x-forwarded-proto': 'https' } });
    expect(untrusted.headers.getSetCookie().join('\n')).not.toMatch(/Secure/);
    const proxied = await startSsoStack({ trustedProxies: ['127.0.0.1'] });
    try {
      const response = await fetch(`${proxied.url}/auth/sso/login`, { redirect: 'manual', headers: { 'x-forwarded-proto': 'https' } });
      const line = response.headers.getSetCookie().find((l) => l.startsWith('sluice_sso_login='))!;
      expect(line).toMatch(/; Secure/);
      expect(line).toMatch(/; HttpOnly/);
      expect(line).toMatch(/; SameSite=Lax/);
    } finally {
      await proxied.close();
    }
  });
});

describe('SSO without the sso entitlement', () => {
  let stack: SsoStack;
  beforeAll(async () => {
    stack = await startSsoStack({}, { entitled: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('answers every SSO route with "requires the sso entitlement"', async () => {
    for (const [method, path] of [
      ['GET', '/auth/sso/login'],
      ['GET', '/auth/sso/callback?code=x&state=y'],
      ['GET', '/auth/sso/me'],
      ['POST', '/auth/sso/logout'],
      ['POST', '/auth/sso/session-token'],
    ] as const) {
      const response = await fetch(`${stack.url}${path}`, { method, redirect: 'manual' });
      expect(response.status, `${method} ${path}`).toBe(402);
      const body = (await response.json()) as { code: string; error: string };
      expect(body.code).toBe('SLUICE_EE_ERR_LICENSE_REQUIRED');
      expect(body.error).toContain('requires the "sso" entitlement');
    }
    // With a license that lacks sso: 403 naming the plan.
    stack.sluice.app.sluice.extensions.entitlements.provide({ plan: 'enterprise-basic', has: (feature) => feature === 'audit' });
    const response = await fetch(`${stack.url}/auth/sso/login`, { redirect: 'manual' });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'SLUICE_EE_ERR_NOT_ENTITLED', error: expect.stringContaining('enterprise-basic') });
    stack.sluice.entitle(false);
  });

  it("sends a person's browser back to the console's sign-in page with the error code, never to a JSON document", async () => {
    const html = {
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-dest': 'document',
    };
    for (const path of ['/auth/sso/login', '/auth/sso/callback?code=x&state=y']) {
      // node:http, because fetch sets Sec-Fetch-Mode: cors itself.
      const response = await new Promise<IncomingMessage>((resolve, reject) =>
        get(`${stack.url}${path}`, { headers: html }, resolve).on('error', reject),
      );
      response.resume();
      expect(response.statusCode, path).toBe(303);
      expect(response.headers.location).toBe('/console/?signin_error=SLUICE_EE_ERR_LICENSE_REQUIRED');
    }
    // The console words the code from the sign-in method's own messages, listed in the public manifest.
    const manifest = (await (await fetch(`${stack.url}/console/manifest.json`)).json()) as {
      signIns: { id: string; errorMessages?: Record<string, string> }[];
    };
    const sso = manifest.signIns.find((method) => method.id === 'sso');
    expect(sso?.errorMessages?.['SLUICE_EE_ERR_LICENSE_REQUIRED']).toContain('trial');
    // Scripts and API clients keep the catalogue answer; other SSO routes too, however they are asked.
    expect((await fetch(`${stack.url}/auth/sso/login`, { headers: { accept: html.accept }, redirect: 'manual' })).status).toBe(402);
    expect((await fetch(`${stack.url}/auth/sso/me`, { headers: html })).status).toBe(402);
  });

  it('stops accepting existing sessions when the entitlement goes away, and API keys keep working (break-glass)', async () => {
    stack.sluice.entitle(true);
    const browser = new TestBrowser();
    await login(stack, browser, ACCOUNTS.alice);
    const token = sessionTokenOf(browser);
    expect((await postJson(`${stack.url}/v2/repository/index`, {}, bearer(token))).status).toBe(200);
    stack.sluice.entitle(false);
    const refused = await postJson(`${stack.url}/v2/repository/index`, {}, bearer(token));
    expect(refused.status).toBe(401);
    expect(refused.json.error).toContain('"sso" entitlement');
    expect((await postJson(`${stack.url}/v2/repository/index`, {}, stack.sluice.adminAuth)).status).toBe(200);
  });
});
