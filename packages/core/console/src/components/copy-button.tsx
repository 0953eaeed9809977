/** Copies a text to the clipboard and says so; falls back to selecting the text when the clipboard is refused. */
import { useState } from 'preact/hooks';

export function CopyButton(props: { text: string; label?: string; testId?: string; target?: () => HTMLElement | null }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(props.text);
      setState('copied');
    } catch {
      // Clipboard access needs a secure context and permission; selecting the text lets the person copy by hand.
      const element = props.target?.();
      if (element) window.getSelection()?.selectAllChildren(element);
      setState('failed');
    }
    window.setTimeout(() => setState('idle'), 2500);
  };
  return (
    <button type="button" class="button button-small" onClick={copy} data-testid={props.testId}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Selected: press Ctrl+C' : (props.label ?? 'Copy')}
      <span class="visually-hidden" aria-live="polite">
        {state === 'copied' ? ' copied to the clipboard' : ''}
      </span>
    </button>
  );
}
