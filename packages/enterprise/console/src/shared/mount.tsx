/** Turns a page component into the `mount(element, context)` function core's console imports. */
import type { ComponentType } from 'preact';
import { render } from 'preact';
import type { PageContext } from './context.js';

export function pageMount(Page: ComponentType<{ context: PageContext }>) {
  return function mount(element: HTMLElement, context: PageContext): () => void {
    render(<Page context={context} />, element);
    return () => render(null, element);
  };
}
