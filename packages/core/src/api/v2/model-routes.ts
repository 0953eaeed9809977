/**
 * Model metadata, readiness and inference (Open Inference Protocol), for the default version and for a
 * specific version or alias: /v2/models/{model}[/versions/{version}][/ready|/infer].
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { callerOf } from '../../auth/caller.js';
import { SluiceError } from '../../errors.js';
import { isValidModelName } from '../../models/repository.js';
import { errorResponseSchema } from '../error-handler.js';
import { formBoundary, formToInputs } from './multipart-form.js';
import { HEADER_LENGTH, decodeInferRequest, encodeInferResponse } from './infer-codec.js';
import { inferRequestSchema, inferResponseSchema, modelMetadataSchema, modelParamsSchema, modelVersionParamsSchema } from './schemas.js';

type ModelParams = { model: string; version?: string };

export const ONNX_PLATFORM = 'onnx_onnxv1';
/** Triton's name for a model that chains other models. */
export const PIPELINE_PLATFORM = 'ensemble';

function checkName(params: ModelParams): ModelParams {
  if (!isValidModelName(params.model))
    throw new SluiceError('SLUICE_ERR_MODEL_NOT_FOUND', `model "${params.model}" is not in the repository (invalid name)`);
  return params;
}

const errors = {
  400: errorResponseSchema,
  404: errorResponseSchema,
  413: errorResponseSchema,
  422: errorResponseSchema,
  503: errorResponseSchema,
};
/** Metadata and readiness read no body and run nothing: no 413 or 422. */
const metadataErrors = { 400: errorResponseSchema, 404: errorResponseSchema, 503: errorResponseSchema };

export async function modelRoutes(app: FastifyInstance): Promise<void> {
  const { registry } = app.sluice;

  async function metadata(request: FastifyRequest<{ Params: ModelParams }>) {
    const { model, version } = checkName(request.params);
    const { loaded, versions, config } = registry.describe(model, version);
    const signature = loaded!.signature;
    return {
      name: model,
      versions: versions.map(String),
      platform: loaded!.task.name === 'pipeline' ? PIPELINE_PLATFORM : ONNX_PLATFORM,
      inputs: signature.inputs,
      outputs: signature.outputs,
      parameters: {
        task: loaded!.task.name,
        ...(config?.description ? { description: config.description } : {}),
        ...(version === undefined ? {} : { version: String(loaded!.version) }),
      },
    };
  }

  async function ready(request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply) {
    const { model, version } = checkName(request.params);
    const isReady = registry.isReady(model, version);
    if (!isReady)
      throw new SluiceError('SLUICE_ERR_MODEL_NOT_READY', `model "${model}"${version ? ` version ${version}` : ''} is not ready`);
    return reply.send({ name: model, ...(version ? { version } : {}), ready: true });
  }

  const readySchema = {
    200: { type: 'object', properties: { name: { type: 'string' }, version: { type: 'string' }, ready: { type: 'boolean' } } },
    ...metadataErrors,
  };
  /** Each route prefix with the path parameters it really has (the docs must not invent a version). */
  const prefixes = [
    { prefix: '/v2/models/:model', params: modelParamsSchema, scope: 'the default version' },
    { prefix: '/v2/models/:model/versions/:version', params: modelVersionParamsSchema, scope: 'a specific version or alias' },
  ];
  for (const { prefix, params, scope } of prefixes) {
    app.get(
      prefix,
      { schema: { tags: ['v2'], summary: `Model metadata (${scope})`, params, response: { 200: modelMetadataSchema, ...metadataErrors } } },
      metadata,
    );
    app.get(
      `${prefix}/ready`,
      { schema: { tags: ['v2'], summary: `Model readiness (${scope}); 503 when not ready`, params, response: readySchema } },
      ready,
    );
  }

  // Inference bodies are raw buffers: JSON, or a JSON header followed by binary tensor data.
  await app.register(async (inferScope) => {
    inferScope.removeAllContentTypeParsers();
    inferScope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: app.sluice.config.maxBodyBytes }, (_request, body, done) =>
      done(null, body),
    );

    async function infer(request: FastifyRequest<{ Params: ModelParams; Body: Buffer }>, reply: FastifyReply) {
      const { model, version } = checkName(request.params);
      if (!Buffer.isBuffer(request.body) || request.body.byteLength === 0)
        throw new SluiceError('SLUICE_ERR_BAD_REQUEST', 'the request needs a JSON body with "inputs"');
      const headerLength = request.headers[HEADER_LENGTH];
      const decoded = decodeInferRequest(request.body, Array.isArray(headerLength) ? headerLength[0] : headerLength);
      const result = await app.sluice.inference.infer({
        model,
        version,
        inputs: decoded.inputs,
        outputs: decoded.outputs?.map((o) => o.name),
        caller: callerOf(request),
        deadline: request.deadline,
      });
      const encoded = encodeInferResponse(result, decoded);
      if (encoded.headerLength !== undefined) reply.header('Inference-Header-Content-Length', encoded.headerLength);
      return reply.type(encoded.contentType).send(encoded.body);
    }

    /** The multipart convenience route: a form's fields as BYTES inputs (files as sent), every output in JSON. */
    async function inferForm(request: FastifyRequest<{ Params: ModelParams; Body: Buffer }>, reply: FastifyReply) {
      const { model, version } = checkName(request.params);
      const boundary = formBoundary(request.headers['content-type']);
      if (boundary === undefined)
        throw new SluiceError(
          'SLUICE_ERR_UNSUPPORTED_MEDIA_TYPE',
          'this route takes a multipart/form-data body (e.g. curl -F image=@file.png)',
        );
      if (!Buffer.isBuffer(request.body)) throw new SluiceError('SLUICE_ERR_BAD_REQUEST', 'the request needs a multipart/form-data body');
      const result = await app.sluice.inference.infer({
        model,
        version,
        inputs: formToInputs(request.body, boundary),
        caller: callerOf(request),
        deadline: request.deadline,
      });
      const encoded = encodeInferResponse(result, { binaryByDefault: false });
      return reply.type(encoded.contentType).send(encoded.body);
    }

    for (const { prefix, params, scope } of prefixes) {
      inferScope.post(
        `${prefix}/infer/multipart`,
        {
          schema: {
            tags: ['v2'],
            summary: `Inference from a multipart/form-data upload (${params === modelParamsSchema ? 'default version' : scope}): each form field is a BYTES input named after it (files as sent, e.g. an image for a pipeline); the answer is the V2 JSON response with every output`,
            params,
            consumes: ['multipart/form-data'],
            response: { 200: inferResponseSchema, ...errors },
          },
          validatorCompiler: () => () => true,
          serializerCompiler: () => (data) => (typeof data === 'string' ? data : JSON.stringify(data)),
        },
        inferForm,
      );
      inferScope.post(
        `${prefix}/infer`,
        {
          schema: {
            tags: ['v2'],
            summary: `Inference (${params === modelParamsSchema ? 'default version: traffic split, "default" alias or latest' : scope})`,
            params,
            body: inferRequestSchema,
            response: { 200: inferResponseSchema, ...errors },
          },
          // The body is a Buffer (JSON or binary); the codec validates it. The schema above is for the docs.
          validatorCompiler: () => () => true,
          serializerCompiler: () => (data) => (typeof data === 'string' ? data : JSON.stringify(data)),
        },
        infer,
      );
    }
  });
}
