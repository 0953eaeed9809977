/**
 * Renders a core page whose module is loaded on demand (core-page-modules.ts); shows why when it cannot load.
 * Give it `key={id}`: one instance per page.
 */
import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api.js';
import { corePageModule, loadedCorePages, type CorePageComponent } from '../core-page-modules.js';
import type { ConsoleSession } from '../session.js';
import { ErrorMessage } from './error-message.js';
import { PageHeader } from './page-header.js';

export function LazyCorePage(props: { id: string; title: string; session: ConsoleSession }) {
  const [component, setComponent] = useState<CorePageComponent | undefined>(() => loadedCorePages.get(props.id));
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let left = false;
    if (!component)
      corePageModule(props.id)
        ?.then((loaded) => !left && setComponent(() => loaded))
        .catch((failure: unknown) => !left && setError(`The page “${props.title}” could not be loaded: ${messageOf(failure)}`));
    return () => {
      left = true;
    };
  }, []);

  if (error)
    return (
      <>
        <PageHeader title={props.title} />
        <ErrorMessage message={error} />
      </>
    );
  if (!component) return <p class="visually-hidden">Loading {props.title}…</p>;
  const Page = component;
  return <Page session={props.session} />;
}
