// oidc-provider (the certified OpenID Provider the SSO tests run against) ships no type declarations.
declare module 'oidc-provider';
