/** What the console's sign-in page says when a single sign-on attempt sends a person back (browser-errors.ts). */
export const SIGN_IN_ERROR_MESSAGES: Readonly<Record<string, string>> = Object.freeze({
  SLUICE_EE_ERR_LICENSE_REQUIRED:
    'Single sign-on needs an enterprise license or the free trial. An administrator can sign in with an API key and start the trial on the License page.',
  SLUICE_EE_ERR_NOT_ENTITLED: "Single sign-on is not part of this server's license. Sign in with an API key, or ask your administrator.",
  SLUICE_EE_ERR_SSO_NO_ROLE:
    'Your identity provider account has no Sluice role. Ask an administrator to add you to a group that maps to one.',
  SLUICE_EE_ERR_SSO_STATE_MISMATCH: 'That sign-in expired or was started in another browser. Start it again.',
  SLUICE_EE_ERR_SSO_IDP_UNAVAILABLE:
    'The identity provider cannot be reached right now. Try again in a moment, or sign in with an API key.',
  SLUICE_EE_ERR_SSO_TOO_MANY_LOGINS: 'Too many sign-ins are in progress. Try again in a few minutes.',
});
