/** Output tensors as a table: name, type, shape and the first values. */
import { isProbabilityRow, ProbabilityBars } from '../components/probability-bars.js';
import { formatMs } from '../format.js';
import type { InferAnswer, OutputTensor } from './infer-client.js';

/** Values shown per output; the rest are counted. */
const PREVIEW = 24;

function preview(tensor: OutputTensor): string {
  const values = Array.from(tensor.data as ArrayLike<unknown>).slice(0, PREVIEW);
  const shown = values.map((v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : JSON.stringify(v)));
  const rest = tensor.data.length - values.length;
  return `[${shown.join(', ')}${rest > 0 ? `, … ${rest} more` : ''}]`;
}

export function OutputTable({ answer }: { answer: InferAnswer }) {
  return (
    <section class="result" aria-label="Result" data-testid="playground-result">
      <p class="hint">
        {answer.modelName} version {answer.modelVersion} · {formatMs(answer.elapsedMs)} round trip
      </p>
      {answer.outputs
        .filter((o) => isProbabilityRow(o.shape, o.data))
        .map((o) => (
          <ProbabilityBars
            key={o.name}
            probabilities={Array.from(o.data as ArrayLike<number>)}
            names={Array.from({ length: o.data.length }, (_, i) => `class ${i}`)}
            caption={`Output ${o.name} as class probabilities`}
            testId={`playground-probabilities-${o.name}`}
          />
        ))}
      <div class="table-wrap">
        <table class="table table-compact">
          <caption class="visually-hidden">Output tensors</caption>
          <thead>
            <tr>
              <th scope="col">Output</th>
              <th scope="col">Type</th>
              <th scope="col">Shape</th>
              <th scope="col">Values</th>
            </tr>
          </thead>
          <tbody>
            {answer.outputs.map((o) => (
              <tr key={o.name} data-testid={`playground-output-${o.name}`}>
                <th scope="row">
                  <code>{o.name}</code>
                </th>
                <td>{o.datatype}</td>
                <td>[{o.shape.join(', ')}]</td>
                <td class="values">
                  <code>{preview(o)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
