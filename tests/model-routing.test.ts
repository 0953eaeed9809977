/**
 * Several live versions: requests name a version or an alias, or go to the default — a weighted traffic split
 * when one is set (90/10 canary), the "default" alias, else the latest. The served version is always reported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedPositive, probeSentiment, publishVersion, sentimentRepository } from './helpers/sentiment-versions.js';
import { getJson, startTestServer, type TestServer } from './helpers/test-server.js';

describe('versions, aliases and traffic splits', () => {
  let server: TestServer;
  let repository: ReturnType<typeof sentimentRepository>;
  const infer = async (path = '') => {
    const { status, text, version, positive } = await probeSentiment(server, path);
    expect(status, text).toBe(200);
    expect(positive).toBeCloseTo(expectedPositive(version), 5); // the reported version answered
    return version;
  };
  const manage = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}/v2/repository/models/sentiment${path}`, {
      method,
      headers: { ...server.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, json: await r.json() }));

  beforeAll(async () => {
    repository = sentimentRepository({ version_policy: { all: {} }, aliases: { stable: 1 } });
    for (const version of [1, 2, 3]) publishVersion(repository.modelDir, version);
    server = await startTestServer({ models: repository.dir });
  });
  afterAll(async () => {
    await server?.close();
    repository?.remove();
  });

  it('serves every version the policy selects; the default is the latest', async () => {
    const { json } = await getJson(`${server.url}/v2/models/sentiment`, server.auth);
    expect(json.versions).toEqual(['1', '2', '3']);
    expect(await infer()).toBe(3);
    for (const version of [1, 2, 3]) expect(await infer(`/versions/${version}`)).toBe(version);
  });

  it('aliases from config.json and from the API; "default" redirects version-less requests', async () => {
    expect(await infer('/versions/stable')).toBe(1);
    expect((await manage('PUT', '/aliases/canary', { version: 2 })).status).toBe(200);
    expect(await infer('/versions/canary')).toBe(2);
    expect(((await manage('GET', '/aliases')).json as { aliases: unknown }).aliases).toEqual({ stable: 1, canary: 2 });
    expect((await manage('PUT', '/aliases/default', { version: 1 })).status).toBe(200);
    expect(await infer()).toBe(1);
    expect((await manage('DELETE', '/aliases/default')).status).toBe(200);
    expect(await infer()).toBe(3);
    const missing = await manage('PUT', '/aliases/ghost', { version: 9 });
    expect(missing).toMatchObject({ status: 404, json: { code: 'SLUICE_ERR_VERSION_NOT_FOUND' } });
    const invalid = await manage('PUT', '/aliases/canary', { version: 'two' });
    expect(invalid).toMatchObject({ status: 400, json: { code: 'SLUICE_ERR_BAD_REQUEST' } });
  });

  it('a 90/10 traffic split sends about a tenth of version-less requests to the canary', async () => {
    expect(
      (
        await manage('PUT', '/traffic', {
          versions: [
            { version: 1, weight: 90 },
            { version: 2, weight: 10 },
          ],
        })
      ).status,
    ).toBe(200);
    const counts = new Map<number, number>();
    const total = 400;
    for (let i = 0; i < total; i += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, () => infer()));
      for (const version of batch) counts.set(version, (counts.get(version) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([1, 2]);
    // Binomial(400, 0.1): mean 40, sd 6; 16..70 is beyond 4 sd either side.
    expect(counts.get(2)!).toBeGreaterThan(16);
    expect(counts.get(2)!).toBeLessThan(70);
    expect(await infer('/versions/3')).toBe(3); // an explicit version ignores the split
    expect((await manage('GET', '/traffic')).json).toEqual({
      versions: [
        { version: 1, weight: 90 },
        { version: 2, weight: 10 },
      ],
    });
    expect((await manage('DELETE', '/traffic')).status).toBe(200);
    expect(await infer()).toBe(3);
  });

  it('refuses a split that names an unknown version or has no positive weight', async () => {
    expect(await manage('PUT', '/traffic', { versions: [{ version: 7, weight: 1 }] })).toMatchObject({
      status: 404,
      json: { code: 'SLUICE_ERR_VERSION_NOT_FOUND' },
    });
    expect(await manage('PUT', '/traffic', { versions: [{ version: 1, weight: 0 }] })).toMatchObject({
      status: 400,
      json: { code: 'SLUICE_ERR_BAD_REQUEST' },
    });
  });
});
