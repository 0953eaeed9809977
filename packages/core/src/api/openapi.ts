/** The OpenAPI document (/openapi.json) and browsable docs (/docs), generated from the route schemas. */
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { SERVER_VERSION } from '../version.js';

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Sluice',
        version: SERVER_VERSION,
        description: 'Self-hosted ONNX model serving: the Open Inference Protocol (KServe V2) with the binary tensor data and model repository extensions.',
      },
      tags: [
        { name: 'health', description: 'Liveness and readiness' },
        { name: 'v2', description: 'Open Inference Protocol' },
        { name: 'repository', description: 'Model repository extension (management)' },
        { name: 'operations', description: 'Metrics' },
      ],
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
