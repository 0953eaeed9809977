/** Class probabilities as a table of bars, the most likely class first marked. */
import { formatPercent } from '../format.js';

export function ProbabilityBars(props: { probabilities: readonly number[]; names: readonly string[]; caption: string; testId?: string }) {
  const top = props.probabilities.indexOf(Math.max(...props.probabilities));
  return (
    <table class="table table-compact probability-table" data-testid={props.testId}>
      <caption class="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Class</th>
          <th scope="col">Probability</th>
        </tr>
      </thead>
      <tbody>
        {props.probabilities.map((p, i) => (
          <tr key={i} class={i === top ? 'row-top' : undefined}>
            <th scope="row">{props.names[i]}</th>
            <td>
              <span class="bar" aria-hidden="true">
                <span class="bar-fill" style={{ width: `${Math.round(Math.min(1, Math.max(0, p)) * 100)}%` }} />
              </span>{' '}
              {formatPercent(p)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** True for an output that reads as one row of class probabilities: [1, K], small K, values in [0, 1] summing to 1. */
export function isProbabilityRow(shape: readonly number[], values: ArrayLike<unknown>): values is ArrayLike<number> {
  if (shape.length !== 2 || shape[0] !== 1 || values.length < 2 || values.length > 32) return false;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || v < 0 || v > 1) return false;
    sum += v;
  }
  return Math.abs(sum - 1) < 1e-3;
}
