/**
 * A real OpenID Provider on loopback for the SSO tests: the certified `oidc-provider` package behind a plain
 * node:http server on 127.0.0.1:0, with
 * - a confidential web client (authorization code, PKCE required, client_secret_basic) for Sluice's browser login,
 * - machine clients (client_credentials) whose access tokens are JWTs for one API audience and carry a `groups`
 *   claim taken from the client's registration,
 * - an account store with passwords and groups, and its own login and consent pages (HTML forms a test browser
 *   fills in and posts, like a person would),
 * - RP-initiated logout, and key rotation: `rotateKeys()` swaps in a provider that signs with a new key and still
 *   publishes the old one, on the same address (the issuer does not change).
 * Nothing is mocked: Sluice discovers it, fetches its JWKS and exchanges codes over real HTTP.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
// oidc-provider ships no type declarations: tests/types/oidc-provider.d.ts declares it as untyped.
import Provider, { errors as providerErrors } from 'oidc-provider';

export interface TestAccount {
  id: string;
  password: string;
  name: string;
  email: string;
  groups: string[];
}

export interface TestMachineClient {
  clientId: string;
  clientSecret: string;
  groups: string[];
}

export interface TestIdpOptions {
  accounts: TestAccount[];
  web: { clientId: string; clientSecret: string; redirectUri: string; postLogoutRedirectUri: string };
  machines: TestMachineClient[];
  /** The resource (audience) machine access tokens are issued for. */
  audience: string;
}

export interface SigningKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export interface TestIdp {
  issuer: string;
  /** Every signing key currently published; the first one signs new tokens. */
  keys(): SigningKey[];
  /** A new signing key signs from now on; the previous ones stay published (a graceful rotation). */
  rotateKeys(options?: { dropOld?: boolean }): Promise<SigningKey>;
  /** A client_credentials access token (a JWT for the audience) for a machine client. */
  machineToken(clientId: string): Promise<string>;
  /** HTTP requests the provider served (method and path), to see e.g. JWKS fetches. */
  requests: { method: string; path: string }[];
  close(): Promise<void>;
}

export async function newSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateJwk, publicJwk };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function page(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(`<!doctype html><html><body>${body}</body></html>`);
}

export async function startTestIdp(options: TestIdpOptions): Promise<TestIdp> {
  let provider: any;
  const requests: { method: string; path: string }[] = [];
  const server: Server = createServer((request, response) => {
    requests.push({ method: request.method ?? 'GET', path: (request.url ?? '/').split('?')[0]! });
    handle(request, response).catch((error: Error) => {
      if (!response.headersSent) page(response, 500, `<p>${escapeHtml(error.message)}</p>`);
      else response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map(options.accounts.map((account) => [account.id, account]));
  const machines = new Map(options.machines.map((machine) => [machine.clientId, machine]));
  let keys: SigningKey[] = [await newSigningKey('key-1')];

  function buildProvider(): any {
    const created = new Provider(issuer, {
      clients: [
        {
          client_id: options.web.clientId,
          client_secret: options.web.clientSecret,
          redirect_uris: [options.web.redirectUri],
          post_logout_redirect_uris: [options.web.postLogoutRedirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
        ...options.machines.map((machine) => ({
          client_id: machine.clientId,
          client_secret: machine.clientSecret,
          grant_types: ['client_credentials'],
          redirect_uris: [],
          response_types: [],
          token_endpoint_auth_method: 'client_secret_basic',
        })),
      ],
      jwks: { keys: keys.map((key) => key.privateJwk) },
      cookies: { keys: ['sso-test-cookie-signing-key'] },
      pkce: { required: () => true },
      ttl: { AccessToken: 300, AuthorizationCode: 60, ClientCredentials: 300, IdToken: 300, Grant: 3600, Interaction: 600, Session: 3600 },
      scopes: ['openid', 'profile', 'email', 'groups', 'api'],
      claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email', 'email_verified'], groups: ['groups'] },
      async findAccount(_ctx: unknown, id: string) {
        const account = accounts.get(id);
        if (!account) return undefined;
        return {
          accountId: id,
          async claims() {
            return {
              sub: id,
              name: account.name,
              preferred_username: id,
              email: account.email,
              email_verified: true,
              groups: account.groups,
            };
          },
        };
      },
      async extraTokenClaims(_ctx: unknown, token: any) {
        const machine = machines.get(token.clientId);
        return token.kind === 'ClientCredentials' && machine ? { groups: machine.groups } : undefined;
      },
      interactions: { url: (_ctx: unknown, interaction: any) => `/interaction/${interaction.uid}` },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        rpInitiatedLogout: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: async (_ctx: unknown, client: any) => (machines.has(client.clientId) ? options.audience : undefined),
          useGrantedResource: async () => true,
          getResourceServerInfo: async (_ctx: unknown, resource: string) => {
            if (resource !== options.audience) throw new providerErrors.InvalidTarget();
            return {
              scope: 'api',
              audience: options.audience,
              accessTokenFormat: 'jwt',
              accessTokenTTL: 300,
              jwt: { sign: { alg: 'RS256' } },
            };
          },
        },
      },
    });
    return created;
  }
  provider = buildProvider();

  /** The login and consent pages: plain forms, as a person would see them. */
  async function interaction(request: IncomingMessage, response: ServerResponse, uid: string, action: string | undefined): Promise<void> {
    const details = await provider.interactionDetails(request, response);
    if (details.uid !== uid) return page(response, 400, '<p>interaction mismatch</p>');
    const prompt = details.prompt.name as string;
    if (request.method === 'GET') {
      if (prompt === 'login') {
        return page(
          response,
          200,
          `<h1>Sign in</h1><form method="post" action="/interaction/${uid}/login"><input name="login"><input name="password" type="password"><button>Sign in</button></form>`,
        );
      }
      return page(
        response,
        200,
        `<h1>Allow ${escapeHtml(details.params.client_id)}?</h1><form method="post" action="/interaction/${uid}/confirm"><button>Allow</button></form>`,
      );
    }
    const form = await readForm(request);
    if (action === 'login' && prompt === 'login') {
      const account = accounts.get(form.get('login') ?? '');
      if (!account || account.password !== form.get('password')) {
        return page(
          response,
          200,
          `<h1>Sign in</h1><p class="error">Invalid login or password</p><form method="post" action="/interaction/${uid}/login"><input name="login"><input name="password" type="password"><button>Sign in</button></form>`,
        );
      }
      return provider.interactionFinished(request, response, { login: { accountId: account.id } }, { mergeWithLastSubmission: false });
    }
    if (action === 'confirm' && prompt === 'consent') {
      const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details;
      let grant = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
      grant ??= new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
      if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {}))
        grant.addResourceScope(indicator, (scopes as string[]).join(' '));
      const grantId = await grant.save();
      return provider.interactionFinished(request, response, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
    return page(response, 400, `<p>unexpected ${escapeHtml(action ?? '')} during ${escapeHtml(prompt)}</p>`);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const match = /^\/interaction\/([^/?]+)(?:\/(login|confirm))?(?:\?.*)?$/.exec(request.url ?? '');
    if (match) return interaction(request, response, match[1]!, match[2]);
    return provider.callback()(request, response);
  }

  async function machineToken(clientId: string): Promise<string> {
    const machine = machines.get(clientId);
    if (!machine) throw new Error(`no machine client ${clientId}`);
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${machine.clientId}:${machine.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'api', resource: options.audience }),
    });
    const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
    if (!body.access_token) throw new Error(`client_credentials failed: ${response.status} ${body.error} ${body.error_description}`);
    return body.access_token;
  }

  return {
    issuer,
    keys: () => keys.slice(),
    async rotateKeys({ dropOld = false } = {}) {
      const next = await newSigningKey(`key-${keys.length + 1}-${Date.now()}`);
      keys = dropOld ? [next] : [next, ...keys];
      provider = buildProvider();
      return next;
    },
    machineToken,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
