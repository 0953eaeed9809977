import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startTestServer, type TestServer } from './helpers/test-server.js';

describe('smoke: the demo sentiment model over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it('says "I love this" is positive', async () => {
    const { status, json } = await postJson(
      `${server.url}/v2/models/sentiment/infer`,
      {
        inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: ['I love this'] }],
      },
      server.auth,
    );
    expect(status).toBe(200);
    expect(json.outputs.find((o: any) => o.name === 'label').data).toEqual(['positive']);
  });
});
