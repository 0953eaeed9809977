/** text-embedding models: two texts through POST /v1/embeddings, and how similar their vectors are. */
import { useState } from 'preact/hooks';
import { apiJson } from '../api.js';
import { CurlBlock } from '../components/curl-block.js';
import { ErrorMessage } from '../components/error-message.js';
import { formatNumber } from '../format.js';
import type { ModelMetadata } from '../models.js';
import { useRun } from './use-run.js';

interface EmbeddingsAnswer {
  data: { embedding: number[]; index: number }[];
  usage?: { prompt_tokens?: number; total_tokens?: number };
}

export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return normA > 0 && normB > 0 ? dot / Math.sqrt(normA * normB) : 0;
}

export function EmbeddingPanel({ meta }: { meta: ModelMetadata }) {
  const [first, setFirst] = useState('The cat sits on the mat.');
  const [second, setSecond] = useState('A kitten is resting on a rug.');
  const { state, run, fail } = useRun<EmbeddingsAnswer>();

  const submit = (event: Event): void => {
    event.preventDefault();
    if (!first.trim() || !second.trim()) return fail('Type two texts to compare.');
    const body = { model: meta.name, input: [first, second] };
    void run({
      curl: { method: 'POST', path: '/v1/embeddings', json: body },
      answer: apiJson<EmbeddingsAnswer>('POST', '/v1/embeddings', body),
    });
  };

  const vectors = state.result?.data.slice().sort((a, b) => a.index - b.index);
  const similarity = vectors && vectors.length === 2 ? cosineSimilarity(vectors[0]!.embedding, vectors[1]!.embedding) : null;

  return (
    <div class="playground-run">
      <form onSubmit={submit} class="stack">
        <label for="pg-text-a">First text</label>
        <textarea id="pg-text-a" rows={2} value={first} onInput={(e) => setFirst(e.currentTarget.value)} data-testid="playground-text" />
        <label for="pg-text-b">Second text</label>
        <textarea
          id="pg-text-b"
          rows={2}
          value={second}
          onInput={(e) => setSecond(e.currentTarget.value)}
          data-testid="playground-text-2"
        />
        <div class="button-row">
          <button type="submit" class="button button-primary" disabled={state.running} data-testid="playground-run">
            {state.running ? 'Running…' : 'Compare'}
          </button>
        </div>
      </form>
      <ErrorMessage message={state.error} testId="playground-error" />
      {similarity !== null ? (
        <section class="result" aria-label="Result" data-testid="playground-result">
          <p class="result-headline">
            Cosine similarity{' '}
            <span class="result-label" data-testid="playground-similarity">
              {formatNumber(similarity)}
            </span>
          </p>
          <p class="hint">
            {vectors![0]!.embedding.length}-dimensional vectors
            {state.result?.usage?.total_tokens !== undefined ? `, ${state.result.usage.total_tokens} tokens` : ''}. 1 means the same
            direction, 0 unrelated.
          </p>
        </section>
      ) : null}
      {state.curl ? <CurlBlock request={state.curl} /> : null}
    </div>
  );
}
