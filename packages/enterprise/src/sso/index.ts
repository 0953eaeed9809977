/** Single sign-on (OpenID Connect for people, IdP-issued JWTs for machines, groups mapped to roles). See README.md. */
export { ssoPlugin, SSO_ENTITLEMENT, SSO_MIGRATIONS_FOLDER, SSO_MIGRATIONS_TABLE } from './plugin.js';
export { resolveSsoConfig, SSO_ENV, type SsoOptions, type SsoPluginOptions, type SsoConfig } from './config.js';
export { ROLES, ROLE_SCOPES, parseRoleMap, decideRole, type Role, type RoleRule } from './roles.js';
export { SSO_ERROR_CATALOGUE, SsoError, type SsoErrorCode } from './errors.js';
export { SESSION_COOKIE } from './cookies.js';
