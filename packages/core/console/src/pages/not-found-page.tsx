/** A console URL that names no page this session may see. */
import { PageHeader } from '../components/page-header.js';
import { onLinkClick, pageHref } from '../router.js';

export function NotFoundPage(props: { page: string }) {
  return (
    <>
      <PageHeader title="Page not found" />
      <p>
        There is no console page “{props.page}” for this session: it does not exist, or your key's scopes do not include it.{' '}
        <a href={pageHref('')} onClick={onLinkClick}>
          Go to the overview
        </a>
        .
      </p>
    </>
  );
}
