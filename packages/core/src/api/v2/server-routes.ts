/** GET /v2: server metadata with the protocol extensions this server implements. */
import type { FastifyInstance } from 'fastify';
import { SERVER_NAME, SERVER_VERSION } from '../../version.js';

export const PROTOCOL_EXTENSIONS = ['binary_tensor_data', 'model_repository', 'statistics', 'generate'];

export async function serverMetadataRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/v2',
    {
      schema: {
        tags: ['v2'],
        summary: 'Server metadata',
        response: {
          200: {
            type: 'object',
            properties: { name: { type: 'string' }, version: { type: 'string' }, extensions: { type: 'array', items: { type: 'string' } } },
          },
        },
      },
    },
    async () => ({ name: SERVER_NAME, version: SERVER_VERSION, extensions: PROTOCOL_EXTENSIONS }),
  );
}
