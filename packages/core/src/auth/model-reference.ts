/**
 * A model reference as requests write it: "name", or OpenAI-style "name:version" where the part after the last
 * colon is a version number or alias. One parser, so the allow-list check and the route see the same model.
 */
export interface ModelReference {
  model: string;
  version?: string;
}

export function parseModelReference(reference: string): ModelReference {
  const colon = reference.lastIndexOf(':');
  return colon > 0 ? { model: reference.slice(0, colon), version: reference.slice(colon + 1) } : { model: reference };
}
