/**
 * The Account page: who is signed in, with which role and scopes, and until when. For a single sign-on
 * session it also shows what the identity provider sent (e-mail, groups) and the role those groups mapped to
 * (GET /auth/sso/me).
 */
import { useEffect, useState } from 'preact/hooks';
import { callJson } from '../shared/api.js';
import { Fact } from '../shared/components.js';
import type { PageContext } from '../shared/context.js';
import { formatDateTime } from '../shared/format.js';
import { pageMount } from '../shared/mount.js';
import '../shared/styles.css';

/** What GET /auth/sso/me answers (packages/enterprise/src/sso/routes.ts). */
interface SsoMe {
  subject: string;
  name?: string | null;
  email?: string | null;
  role: string;
  scopes: string[];
  groups?: string[];
  roleClaim?: string;
  session: { id: string; createdAt: string; expiresAt: string; absoluteExpiresAt: string };
}

const KIND_LABELS: Record<string, string> = {
  'api-key': 'API key',
  oidc: 'Single sign-on (OpenID Connect)',
  jwt: 'Identity provider token',
};

function GroupMapping(props: { me: SsoMe }) {
  const { me } = props;
  if (!me.groups) return null;
  return (
    <section class="ee-card" aria-labelledby="account-groups-title" data-testid="account-role-mapping">
      <h2 id="account-groups-title">Groups and role</h2>
      <p>
        At sign-in your identity provider sent{' '}
        {me.groups.length === 0 ? 'no values' : `${me.groups.length} value${me.groups.length === 1 ? '' : 's'}`} in its{' '}
        <code>{me.roleClaim ?? 'groups'}</code> claim; Sluice's role map turned {me.groups.length === 1 ? 'it' : 'them'} into the role{' '}
        <strong>{me.role}</strong>.
      </p>
      {me.groups.length > 0 && (
        <ul data-testid="account-groups">
          {me.groups.map((group) => (
            <li key={group}>
              <code>{group}</code>
            </li>
          ))}
        </ul>
      )}
      <p class="ee-muted">Group changes at the identity provider take effect at your next sign-in.</p>
    </section>
  );
}

function AccountPage(props: { context: PageContext }) {
  const { session } = props.context;
  const [me, setMe] = useState<SsoMe>();
  useEffect(() => {
    if (session.kind !== 'oidc') return;
    void callJson<SsoMe>(props.context, '/auth/sso/me').then((result) => result.ok && setMe(result.data));
  }, [props.context, session.kind]);

  const name = me?.name ?? session.name;
  const expiresAt = me?.session.expiresAt ?? session.expiresAt;
  return (
    <div class="ee-page" data-testid="page-account">
      <h1>Account</h1>
      <section class="ee-card" aria-labelledby="account-who-title">
        <h2 id="account-who-title">Signed in as</h2>
        <dl class="ee-facts">
          {name && (
            <Fact term="Name" testId="account-name">
              {name}
            </Fact>
          )}
          {me?.email && (
            <Fact term="E-mail" testId="account-email">
              {me.email}
            </Fact>
          )}
          <Fact term="Signed in with">{KIND_LABELS[session.kind] ?? session.kind}</Fact>
          <Fact term={session.kind === 'api-key' ? 'Key id' : 'Subject'}>
            <code>{session.id}</code>
          </Fact>
          <Fact term="Role" testId="account-role">
            {me?.role ?? session.role ?? '— (an API key carries scopes, not a role)'}
          </Fact>
          <Fact term="Scopes" testId="account-scopes">
            {session.scopes.join(', ') || 'none'}
          </Fact>
          {session.models && <Fact term="Models">{session.models.join(', ')}</Fact>}
          <Fact term="Session ends" testId="account-expires">
            {expiresAt ? formatDateTime(expiresAt) : 'when you sign out'}
          </Fact>
          {me && me.session.absoluteExpiresAt !== me.session.expiresAt && (
            <Fact term="Latest end">
              {formatDateTime(me.session.absoluteExpiresAt)} <span class="ee-muted">(an idle session ends earlier)</span>
            </Fact>
          )}
        </dl>
      </section>
      {me && <GroupMapping me={me} />}
      <p class="ee-muted">
        Sluice {session.version}, {session.plan} plan.
      </p>
    </div>
  );
}

export const mount = pageMount(AccountPage);
