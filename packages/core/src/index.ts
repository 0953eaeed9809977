/** @sluice/core's public API: build or run the server, and the types plugins and tools need. */
export { buildApp, type BuildAppOptions } from './app.js';
export { startServer, type RunningServer } from './server.js';
export { resolveConfig, defaultConfig, OPTION_SPECS, type ServerConfig } from './config.js';
export { ERROR_CATALOGUE, SluiceError, ConfigError, type ErrorCode } from './errors.js';
export type { SluiceContext } from './context.js';
export type { Tensor, TensorSpec, ModelSignature } from './models/tensors/tensor.js';
export type { V2Datatype } from './models/tensors/datatypes.js';
