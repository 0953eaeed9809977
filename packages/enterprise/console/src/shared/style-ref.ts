/**
 * A ref that sets inline style properties from script: the console's CSP (style-src 'self') refuses style
 * attributes written in markup, but styles set through the CSSOM are allowed.
 */
export function styleRef(styles: Partial<Record<'width' | 'background', string>>) {
  return (element: HTMLElement | null): void => {
    if (element) Object.assign(element.style, styles);
  };
}
