/**
 * /openapi.json (what /docs shows) is a valid OpenAPI document a person can try the API with: it passes a
 * real validator, declares exactly the path parameters each route has, documents the bearer scheme and the
 * 401/403/429 answers wherever the auth rules ask for credentials, and every example it offers returns a 2xx
 * from a real server on the demo models. The enterprise plugin is loaded so its routes are checked too.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiPathOf } from '../packages/core/src/api/openapi-access.js';
import { startEnterpriseServer, type EnterpriseTestServer } from './helpers/enterprise-server.js';
import { getJson, request } from './helpers/test-server.js';

type Operation = {
  parameters?: { in: string; name: string; required?: boolean; example?: unknown }[];
  requestBody?: { content: Record<string, { example?: unknown }> };
  responses: Record<string, unknown>;
  security?: Record<string, unknown[]>[];
};
type Document = { paths: Record<string, Record<string, Operation>>; components: { securitySchemes?: Record<string, any> } };

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function operations(document: Document): { path: string; method: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ path, method, operation })),
  );
}

describe('the OpenAPI document', () => {
  let server: EnterpriseTestServer;
  let document: Document;
  beforeAll(async () => {
    server = await startEnterpriseServer();
    document = (await getJson(`${server.url}/openapi.json`)).json;
  });
  afterAll(async () => server?.close());

  it('passes an OpenAPI validator', async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('declares exactly the path parameters in each path (no phantom version)', () => {
    const wrong = operations(document).flatMap(({ path, method, operation }) => {
      const inTemplate = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = (operation.parameters ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => p.name)
        .sort();
      return JSON.stringify(inTemplate) === JSON.stringify(declared)
        ? []
        : [`${method.toUpperCase()} ${path}: template ${inTemplate} declared ${declared}`];
    });
    expect(wrong).toEqual([]);
  });

  it('documents the bearer scheme, and 401/403/429 wherever the auth rules ask for credentials', () => {
    expect(document.components.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const checked = new Set<string>();
    for (const { method, url, rule } of server.app.sluiceRouteRules()) {
      const operation = document.paths[openApiPathOf(url)]?.[method.toLowerCase()];
      if (!operation) continue;
      checked.add(`${method} ${url}`);
      if (rule?.access === 'public') {
        expect([url, operation.security]).toEqual([url, undefined]);
      } else {
        expect([url, operation.security]).toEqual([url, [{ bearerAuth: [] }]]);
        expect([url, Object.keys(operation.responses)]).toEqual([url, expect.arrayContaining(['401', '403', '429'])]);
      }
    }
    expect(checked).toContain('POST /v2/models/:model/infer');
    expect(checked).toContain('GET /v2/health/live');
    expect(checked).toContain('GET /admin/audit'); // a plugin's route
  });

  it('every example it offers works on the demo models', async () => {
    const inferExample = document.paths['/v2/models/{model}/infer']!.post!.requestBody!.content['application/json']!.example;
    const inferred = await request(`${server.url}/v2/models/sentiment/infer`, {
      method: 'POST',
      headers: server.auth,
      body: JSON.stringify(inferExample),
    });
    expect(inferred.json.outputs[0]).toMatchObject({ name: 'label', data: ['positive', 'negative'] });
    const tried: string[] = [];
    // Writes that take something away run last, so the reads and writes before them find what they need.
    const rank = (method: string, path: string) => (path.endsWith('/unload') ? 3 : method === 'delete' ? 2 : 0);
    const examples = operations(document)
      .filter(
        ({ operation }) =>
          operation.requestBody?.content['application/json']?.example !== undefined ||
          (operation.parameters ?? []).some((p) => p.example !== undefined),
      )
      .sort((a, b) => rank(a.method, a.path) - rank(b.method, b.path));
    for (const { path, method, operation } of examples) {
      const parameters = operation.parameters ?? [];
      const missing = parameters.filter((p) => p.required && p.in === 'path' && p.example === undefined);
      if (missing.length > 0) continue; // e.g. an API key id: no example can know it
      const url = path.replace(/\{([^}]+)\}/g, (_, name: string) =>
        encodeURIComponent(String(parameters.find((p) => p.name === name)!.example)),
      );
      const body = operation.requestBody?.content['application/json']?.example;
      const response = await request(`${server.url}${url}`, {
        method: method.toUpperCase(),
        headers: server.auth,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      expect([method, url, response.status, response.status < 300 ? '' : response.text]).toEqual([method, url, expect.any(Number), '']);
      tried.push(`${method.toUpperCase()} ${path}`);
    }
    for (const required of [
      'POST /v2/models/{model}/infer',
      'GET /v2/models/{model}',
      'POST /v2/repository/models/{model}/load',
      'PUT /v2/repository/models/{model}/traffic',
      'POST /admin/keys',
    ]) {
      expect(tried).toContain(required);
    }
  });
});
