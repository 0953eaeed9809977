/** text-classification models: a text in, the label and every class's probability out. */
import { useState } from 'preact/hooks';
import { CurlBlock } from '../components/curl-block.js';
import { ErrorMessage } from '../components/error-message.js';
import { ProbabilityBars } from '../components/probability-bars.js';
import { formatMs } from '../format.js';
import type { ModelMetadata } from '../models.js';
import { inferJson, type InferAnswer } from './infer-client.js';
import { useRun } from './use-run.js';

const EXAMPLE = 'I love how fast this is, but the setup was a little confusing.';

export function TextClassificationPanel({ meta }: { meta: ModelMetadata }) {
  const [text, setText] = useState(EXAMPLE);
  const { state, run, fail } = useRun<InferAnswer>();

  const submit = (event: Event): void => {
    event.preventDefault();
    if (!text.trim()) return fail('Type a text to classify.');
    void run(inferJson(meta.name, [{ name: 'text', datatype: 'BYTES', shape: [1], data: [text] }]));
  };

  const answer = state.result;
  const label = answer?.outputs.find((o) => o.name === 'label')?.data[0];
  const probabilities = Array.from((answer?.outputs.find((o) => o.name === 'probabilities')?.data ?? []) as ArrayLike<number>);
  const top = probabilities.indexOf(Math.max(...probabilities));

  return (
    <div class="playground-run">
      <form onSubmit={submit} class="stack">
        <label for="pg-text">Text</label>
        <textarea id="pg-text" rows={4} value={text} onInput={(e) => setText(e.currentTarget.value)} data-testid="playground-text" />
        <div class="button-row">
          <button type="submit" class="button button-primary" disabled={state.running} data-testid="playground-run">
            {state.running ? 'Running…' : 'Classify'}
          </button>
        </div>
      </form>
      <ErrorMessage message={state.error} testId="playground-error" />
      {answer ? (
        <section class="result" aria-label="Result" data-testid="playground-result">
          <p class="result-headline">
            <span class="result-label" data-testid="playground-label">
              {String(label)}
            </span>{' '}
            <span class="hint-inline">
              version {answer.modelVersion} · {formatMs(answer.elapsedMs)}
            </span>
          </p>
          <ProbabilityBars
            probabilities={probabilities}
            names={probabilities.map((_, i) => (i === top ? `${String(label)} (class ${i})` : `class ${i}`))}
            caption="Probability of each class"
            testId="playground-probabilities"
          />
        </section>
      ) : null}
      {state.curl ? <CurlBlock request={state.curl} /> : null}
    </div>
  );
}
