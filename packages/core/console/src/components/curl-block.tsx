/** The curl command for a request the console made, with a copy button. */
import { useRef } from 'preact/hooks';
import { curlCommand, type CurlRequest } from '../curl.js';
import { CopyButton } from './copy-button.js';

export function CurlBlock(props: { request: CurlRequest; note?: string; testId?: string }) {
  const pre = useRef<HTMLPreElement>(null);
  const command = curlCommand(props.request, window.location.origin);
  return (
    <section class="curl" aria-label="Equivalent curl command" data-testid={props.testId ?? 'curl-command'}>
      <div class="curl-head">
        <span class="curl-title">curl</span>
        <CopyButton text={command} label="Copy command" target={() => pre.current} />
      </div>
      <pre ref={pre} tabIndex={0}>
        <code>{command}</code>
      </pre>
      {props.note ? <p class="hint">{props.note}</p> : null}
    </section>
  );
}
