/**
 * The one rule for model names, used by the repository scan, API key model lists and every route that takes a
 * model name. Names become path segments and metric labels: keep them boring and traversal-proof.
 */

/** Longest model name. */
export const MODEL_NAME_MAX_LENGTH = 128;

/** The router's limit on one path parameter (fastify's maxParamLength, 100 by default, silently turned longer
 *  names into "no route"). Longer than a name, so a too-long name reaches its route and gets a clear answer. */
export const ROUTE_PARAM_MAX_LENGTH = 2 * MODEL_NAME_MAX_LENGTH;

export const MODEL_NAME_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,${MODEL_NAME_MAX_LENGTH - 1}}$`);

/** Aliases name versions ("stable", "canary"): the same rule in config.json and in the routing API. */
export const ALIAS_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Version directories are 1-9 digit numbers without a leading zero. */
export const MAX_VERSION_NUMBER = 999_999_999;

export function isValidModelName(name: string): boolean {
  return MODEL_NAME_PATTERN.test(name) && !name.includes('..');
}

/** JSON Schema of a model name, for route parameters. */
export const modelNameSchema = {
  type: 'string',
  maxLength: MODEL_NAME_MAX_LENGTH,
  pattern: MODEL_NAME_PATTERN.source,
  not: { type: 'string', pattern: '\\.\\.' },
} as const;

export const aliasNameSchema = { type: 'string', pattern: ALIAS_PATTERN.source } as const;

export const versionNumberSchema = { type: 'integer', minimum: 1, maximum: MAX_VERSION_NUMBER } as const;
