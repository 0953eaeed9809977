/** The OpenAPI document (/openapi.json) and browsable docs (/docs), generated from the route schemas. */
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { SERVER_VERSION } from '../version.js';
import { BEARER_SCHEME, bearerSecurityScheme, documentAccess } from './openapi-access.js';
import { documentExamples } from './openapi-examples.js';

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Sluice',
        version: SERVER_VERSION,
        description:
          'Self-hosted ONNX model serving: the Open Inference Protocol (KServe V2) with the binary tensor data and model repository extensions.',
      },
      tags: [
        { name: 'health', description: 'Liveness and readiness' },
        { name: 'v2', description: 'Open Inference Protocol' },
        { name: 'repository', description: 'Model repository extension (management)' },
        { name: 'operations', description: 'Metrics and traffic series' },
        { name: 'console', description: 'The web console (/console/): its files, manifest and sessions' },
      ],
      components: { securitySchemes: { [BEARER_SCHEME]: bearerSecurityScheme } },
    },
    // Built on the first request for the document, when every route (plugins' too) is registered.
    transformObject: (document) => {
      if (!('openapiObject' in document)) return document.swaggerObject;
      const paths = (document.openapiObject.paths ?? {}) as Parameters<typeof documentAccess>[0];
      documentAccess(paths, app.sluiceRouteRules());
      documentExamples(paths as Parameters<typeof documentExamples>[0]);
      return document.openapiObject;
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // Sluice is often reached over plain HTTP on a private network: upgrading the page's requests would break it.
    transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/g, ''),
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
