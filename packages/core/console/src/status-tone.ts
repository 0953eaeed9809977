/** The colour family of a state label (models, keys); the label's text always says the state too. */

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
