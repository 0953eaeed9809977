/**
 * A key's model allow-list cannot be bypassed through the shape of a JSON body: the check runs on the validated
 * body, and JSON bodies are never type-coerced (Ajv used to turn `["other"]` or `5` into the string it wanted,
 * after a check that skipped non-strings). Every refusal is audited as `model.access` / `denied`.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../packages/core/src/extensions.js';
import { writeEncoderModel } from './helpers/batching-models.js';
import { copyDemoModels, postJson, request, startTestServer, type TestServer } from './helpers/test-server.js';
import { until } from './helpers/until.js';

describe('model allow-list on JSON bodies', () => {
  let server: TestServer;
  let repository: { dir: string; remove(): void };
  let limited: Record<string, string>;
  const audits: AuditEvent[] = [];

  beforeAll(async () => {
    repository = copyDemoModels(['sentiment']);
    // Three text-embedding models: the one the key may use, another, and one whose name is a number.
    for (const name of ['encoder', 'other', '5']) writeEncoderModel(repository.dir, name, { hiddenSize: 16 });
    server = await startTestServer({ models: repository.dir });
    server.app.sluice.extensions.events.on('audit', (event) => void audits.push(event));
    const { token } = server.app.sluice.apiKeys.create({ name: 'encoder-only', scopes: ['infer', 'models:write'], models: ['encoder'] });
    limited = { authorization: `Bearer ${token}` };
  });
  afterAll(async () => {
    await server?.close();
    repository?.remove();
  });

  const embed = (model: unknown, headers = limited) => postJson(`${server.url}/v1/embeddings`, { model, input: 'hello' }, headers);

  it('serves the model the key may use', async () => {
    expect((await embed('encoder')).status).toBe(200);
    expect((await embed('encoder:1')).status).toBe(200);
  });

  it('refuses a model name that is not a string with 400, before any model is reached', async () => {
    for (const model of [['other'], 5, ['encoder'], true, { name: 'other' }, null]) {
      const response = await embed(model);
      expect(response.status, JSON.stringify(model)).toBe(400);
      expect(response.json.error).toMatchObject({ code: 'SLUICE_ERR_BAD_REQUEST', param: 'model', type: 'invalid_request_error' });
    }
    // The same bodies are refused for an unrestricted key too: the type is wrong, whoever asks.
    expect((await embed(['other'], server.auth)).status).toBe(400);
    expect((await embed(5, server.auth)).status).toBe(400);
    // And the string forms reach the models, so the 400s above are about the type, not the models.
    expect((await embed('other', server.auth)).status).toBe(200);
    expect((await embed('5', server.auth)).status).toBe(200);
  });

  it('refuses other models with 403 and audits each denial as model.access', async () => {
    for (const [model, named] of [
      ['other', 'other'],
      ['other:1', 'other'],
      ['5', '5'],
      ['encoder:x:1', 'encoder:x'],
    ] as const) {
      const response = await embed(model);
      expect(response.status, model).toBe(403);
      expect(response.json.error).toMatchObject({
        code: 'SLUICE_ERR_FORBIDDEN',
        type: 'permission_error',
        message: `this key may not use model "${named}"`,
      });
      await until(() => audits.find((e) => e.action === 'model.access' && e.resource.id === named));
    }
    const denial = audits.find((e) => e.action === 'model.access' && e.resource.id === 'other')!;
    expect(denial).toMatchObject({
      outcome: 'denied',
      resource: { type: 'model', id: 'other' },
      actor: { kind: 'api-key', name: 'encoder-only' },
      ip: '127.0.0.1',
    });
  });

  it('checks model names in the path the same way and audits those denials too', async () => {
    const refused = await request(`${server.url}/v2/repository/models/sentiment/unload`, { method: 'POST', headers: limited });
    expect(refused.status).toBe(403);
    const denial = await until(() => audits.find((e) => e.action === 'model.access' && e.resource.id === 'sentiment'));
    expect(denial).toMatchObject({
      outcome: 'denied',
      requestId: refused.headers.get('x-request-id'),
      reason: 'this key may not use model "sentiment"',
    });
    expect((await request(`${server.url}/v2/models/other`, { headers: limited })).status).toBe(403);
    expect(server.app.sluice.registry.readyModels().map((m) => m.name)).toContain('sentiment');
  });

  it('never coerces the type of any JSON body field (a mistyped number is a 400, not a guess)', async () => {
    const asString = await request(`${server.url}/v2/repository/models/sentiment/aliases/stable`, {
      method: 'PUT',
      headers: server.auth,
      body: { version: '1' },
    });
    expect(asString.status).toBe(400);
    expect(asString.json.code).toBe('SLUICE_ERR_BAD_REQUEST');
    const inArray = await request(`${server.url}/v2/repository/models/sentiment/aliases/stable`, {
      method: 'PUT',
      headers: server.auth,
      body: { version: [1] },
    });
    expect(inArray.status).toBe(400);
    expect(
      (
        await request(`${server.url}/v2/repository/models/sentiment/aliases/stable`, {
          method: 'PUT',
          headers: server.auth,
          body: { version: 1 },
        })
      ).status,
    ).toBe(200);
    // Path parameters are text by nature and keep working.
    expect((await request(`${server.url}/v2/models/sentiment/versions/1`, { headers: server.auth })).status).toBe(200);
  });

  it('serves a limited key nothing but its own model, whatever JSON value names the model (seeded, 300 runs)', async () => {
    const tricky = fc.constantFrom<unknown>(
      ['other'],
      ['encoder', 'other'],
      5,
      5.0,
      '5',
      ['5'],
      'other',
      'encoder:other',
      'other:encoder',
      ' encoder',
      'ENCODER',
      'encoder\u0000',
      '',
      ':encoder',
      { toString: 'encoder' },
      [['other']],
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(tricky, fc.jsonValue({ maxDepth: 3 })), async (model) => {
        const response = await embed(model);
        expect(response.status).toBeLessThan(500);
        expect(response.text).not.toMatch(/ at .+:\d+:\d+|\/work\/|node_modules/);
        if (response.status === 200) {
          expect(typeof model).toBe('string');
          expect((model as string).slice(0, (model as string).lastIndexOf(':') > 0 ? (model as string).lastIndexOf(':') : undefined)).toBe(
            'encoder',
          );
        }
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});
