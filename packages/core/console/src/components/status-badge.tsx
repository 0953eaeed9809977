/** A coloured state label; the text says the state, so colour is never the only signal. */

export type Tone = 'good' | 'warn' | 'bad' | 'neutral' | 'info';

const TONE_OF_STATE: Record<string, Tone> = {
  READY: 'good',
  LOADING: 'info',
  UNLOADING: 'info',
  UNAVAILABLE: 'bad',
  UNKNOWN: 'neutral',
  active: 'good',
  expired: 'warn',
  revoked: 'neutral',
};

export function toneOf(state: string): Tone {
  return TONE_OF_STATE[state] ?? 'neutral';
}

export function StatusBadge(props: { label: string; tone?: Tone; testId?: string }) {
  const tone = props.tone ?? toneOf(props.label);
  return (
    <span class={`badge badge-${tone}`} data-testid={props.testId}>
      {props.label.toLowerCase()}
    </span>
  );
}
