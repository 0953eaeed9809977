/** A coloured state label; the text says the state, so colour is never the only signal. */
import { toneOf, type Tone } from '../status-tone.js';

export { toneOf, type Tone } from '../status-tone.js';

export function StatusBadge(props: { label: string; tone?: Tone; testId?: string }) {
  const tone = props.tone ?? toneOf(props.label);
  return (
    <span class={`badge badge-${tone}`} data-testid={props.testId}>
      {props.label.toLowerCase()}
    </span>
  );
}
