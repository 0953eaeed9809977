/**
 * Fastify's own Ajv compiler, twice: JSON bodies are validated WITHOUT type coercion, while path parameters,
 * query strings and headers (text by nature) keep Fastify's coercion ("5" -> 5).
 *
 * Why: with coercion on, Ajv turns `{"model": ["other"]}` or `{"model": 5}` into the string the schema asks for,
 * so a value checked before validation is not the value used after it. A JSON body already carries types; one
 * of the wrong type is a client mistake (400), never something to convert.
 */
import { AjvCompiler } from '@fastify/ajv-compiler';

/** Fastify's default builder: one Ajv instance per option set, reused across calls. */
const buildFromPool = AjvCompiler();
type PoolOptions = Parameters<typeof buildFromPool>[1];

/** For fastify's `schemaController.compilersFactory.buildValidator`. */
export function bodyStrictValidatorFactory(
  externalSchemas: Parameters<typeof buildFromPool>[0],
  options: PoolOptions = {},
): ReturnType<typeof buildFromPool> {
  const coercing = buildFromPool(externalSchemas, options);
  const strict = buildFromPool(externalSchemas, {
    ...options,
    customOptions: { ...options?.customOptions, coerceTypes: false },
  } as PoolOptions);
  // Fastify calls the compiler with the route definition ({schema, httpPart, ...}), although the type names only the schema.
  return ((route: { httpPart?: string }) => (route.httpPart === 'body' ? strict : coercing)(route as never)) as ReturnType<
    typeof buildFromPool
  >;
}
