/**
 * A plugin's errors keep their status and headers on the OpenAI routes: an enterprise quota refusal on
 * /v1/embeddings is a 429 with Retry-After in OpenAI's error shape (the official client sees a RateLimitError),
 * not a 400. The OpenAI error mapper answers any catalogue's error by its own status, like core's handler.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeEncoderModel } from './helpers/batching-models.js';
import {
  createTestClock,
  createTestVendor,
  DAY_MS,
  request,
  startEnterpriseServer,
  type EnterpriseTestServer,
} from './helpers/enterprise-server.js';
import { copyDemoModels } from './helpers/test-server.js';

const T0 = new Date('2030-06-10T10:15:00Z');

describe('quota refusals on /v1/embeddings', () => {
  const clock = createTestClock(T0);
  const models = copyDemoModels(['sentiment']);
  let server: EnterpriseTestServer;
  let token: string;

  beforeAll(async () => {
    writeEncoderModel(models.dir, 'encoder', { hiddenSize: 16 });
    const vendor = await createTestVendor();
    const license = await vendor.issue({
      notBefore: new Date(T0.getTime() - DAY_MS),
      issuedAt: T0,
      expiresAt: new Date(T0.getTime() + 365 * DAY_MS),
    });
    server = await startEnterpriseServer({
      core: { models: models.dir },
      plugin: { trustedPublicKeys: [vendor.publicJwk], clock, license: { key: license } },
    });
    const created = (
      await request(`${server.url}/admin/keys`, { method: 'POST', headers: server.auth, body: { name: 'capped', scopes: ['infer'] } })
    ).json;
    token = created.token;
    expect(
      (await request(`${server.url}/admin/quotas/${created.key.id}`, { method: 'PUT', headers: server.auth, body: { requestsPerDay: 1 } }))
        .status,
    ).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
    models.remove();
  });

  it("answers 429 with Retry-After in OpenAI's error shape, and the official client sees a RateLimitError", async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: token, maxRetries: 0 });
    expect((await client.embeddings.create({ model: 'encoder', input: 'first' })).data).toHaveLength(1);

    const refused = await request(`${server.url}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: { model: 'encoder', input: 'second' },
    });
    expect(refused.status).toBe(429);
    expect(refused.json).toEqual({
      error: {
        message: expect.stringMatching(/1 of 1 requests per day used; it resets at 2030-06-11T00:00:00.000Z/),
        type: 'rate_limit_error',
        param: null,
        code: 'SLUICE_EE_ERR_QUOTA_EXCEEDED',
      },
    });
    expect(Number(refused.headers.get('retry-after'))).toBe((Date.parse('2030-06-11T00:00:00Z') - T0.getTime()) / 1000);
    expect(refused.headers.get('x-quota-limit')).toBe('1');

    const error = await client.embeddings.create({ model: 'encoder', input: 'third' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'SLUICE_EE_ERR_QUOTA_EXCEEDED', type: 'rate_limit_error' });
  });
});
