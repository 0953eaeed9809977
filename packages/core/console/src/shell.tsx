/** The signed-in layout: header with the session, navigation sidebar, and the current page in <main>. */
import { useEffect, useState } from 'preact/hooks';
import { messageOf } from './api.js';
import { ErrorMessage } from './components/error-message.js';
import { StatusBadge } from './components/status-badge.js';
import { CORE_PAGES } from './core-pages.js';
import { LazyCorePage } from './components/lazy-core-page.js';
import { NotFoundPage } from './pages/not-found-page.js';
import { PluginPage } from './pages/plugin-page.js';
import { onLinkClick, pageHref, usePage } from './router.js';
import { allows, signOut, visiblePages, type ConsoleManifest, type ConsoleSession } from './session.js';

interface ShellProps {
  session: ConsoleSession;
  manifest: ConsoleManifest;
  onSignedOut: () => void;
}

export function Shell({ session, manifest, onSignedOut }: ShellProps) {
  const page = usePage();
  const [signOutError, setSignOutError] = useState<string | null>(null);
  const corePages = CORE_PAGES.filter((p) => p.scopes.length === 0 || allows(session, ...p.scopes));
  const pluginPages = visiblePages(manifest, session);
  const title = corePages.find((p) => p.id === page)?.title ?? pluginPages.find((p) => p.id === page)?.title ?? 'Not found';

  useEffect(() => {
    document.title = `${title} · Sluice console`;
    // After an in-app navigation, move focus to the new page's heading so keyboard and screen-reader users follow.
    const heading = document.getElementById('page-title');
    if (heading && document.activeElement?.closest('nav')) heading.focus();
  }, [page, title]);

  const doSignOut = async (): Promise<void> => {
    try {
      const { redirect } = await signOut(session, manifest.signIns);
      // The identity provider ends its own session too (RP-initiated logout), then sends the browser back.
      if (redirect) window.location.assign(redirect);
      else onSignedOut();
    } catch (error) {
      setSignOutError(messageOf(error));
    }
  };

  const renderPage = () => {
    const core = corePages.find((p) => p.id === page);
    if (core) return <LazyCorePage key={core.id} id={core.id} title={core.title} session={session} />;
    const plugin = pluginPages.find((p) => p.id === page);
    if (plugin) return <PluginPage key={plugin.id} page={plugin} session={session} />;
    return <NotFoundPage page={page} />;
  };

  return (
    <div class="layout">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href={pageHref('')} onClick={onLinkClick}>
          <span class="brand-mark" aria-hidden="true">
            ≋
          </span>
          Sluice <span class="brand-sub">console</span>
        </a>
        <div class="topbar-session">
          <StatusBadge label={session.plan} tone={session.plan === 'community' ? 'neutral' : 'info'} testId="plan-badge" />
          <span class="session-name" data-testid="session-name">
            {session.name ?? session.id}
            {session.role ? <span class="session-role"> · {session.role}</span> : null}
          </span>
          <button type="button" class="button button-quiet" onClick={doSignOut} data-testid="sign-out">
            Sign out
          </button>
        </div>
      </header>
      <ErrorMessage message={signOutError} />
      <div class="body">
        <nav class="sidebar" aria-label="Console pages">
          <ul>
            {corePages.map((p) => (
              <li key={p.id}>
                <a
                  href={pageHref(p.id)}
                  onClick={onLinkClick}
                  aria-current={p.id === page ? 'page' : undefined}
                  data-testid={`nav-${p.id || 'overview'}`}
                >
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
          {pluginPages.length > 0 ? (
            <ul class="sidebar-plugins">
              {pluginPages.map((p) => (
                <li key={p.id}>
                  <a
                    href={pageHref(p.id)}
                    onClick={onLinkClick}
                    aria-current={p.id === page ? 'page' : undefined}
                    data-testid={`nav-${p.id}`}
                  >
                    {p.title}
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
          <p class="sidebar-version">Sluice {session.version}</p>
        </nav>
        <main id="main" class="content">
          {renderPage()}
        </main>
      </div>
    </div>
  );
}
