/**
 * Playground: try any served model from its metadata. Text tasks get text boxes, image models a picture, every
 * raw model a tensor editor; each request shows its curl equivalent (with $SLUICE_API_KEY, never a real key).
 */
import { useEffect, useState } from 'preact/hooks';
import { apiJson, messageOf } from '../api.js';
import { CurlBlock } from '../components/curl-block.js';
import { ErrorMessage } from '../components/error-message.js';
import { PageHeader } from '../components/page-header.js';
import { fetchMetadata, type ModelMetadata } from '../models.js';
import { EmbeddingPanel } from '../playground/embedding-panel.js';
import { ImagePanel, isImageInput } from '../playground/image-panel.js';
import { TensorEditorPanel } from '../playground/tensor-editor-panel.js';
import { TextClassificationPanel } from '../playground/text-classification-panel.js';
import type { ConsoleSession } from '../session.js';

type Mode = 'text-classification' | 'text-embedding' | 'image' | 'tensors';

function modesOf(meta: ModelMetadata): Mode[] {
  const task = meta.parameters?.task;
  if (task === 'text-classification') return ['text-classification'];
  if (task === 'text-embedding') return ['text-embedding'];
  return meta.inputs.length === 1 && isImageInput(meta.inputs[0]) ? ['image', 'tensors'] : ['tensors'];
}

const MODE_LABEL: Record<Mode, string> = {
  'text-classification': 'Text',
  'text-embedding': 'Two texts',
  image: 'Picture',
  tensors: 'Tensors',
};

export function PlaygroundPage({ session }: { session: ConsoleSession }) {
  const [models, setModels] = useState<string[] | null>(null);
  const [model, setModel] = useState('');
  const [meta, setMeta] = useState<ModelMetadata | null>(null);
  const [mode, setMode] = useState<Mode>('tensors');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    apiJson<{ data: { id: string }[] }>('GET', '/v1/models').then(
      (list) => {
        const names = list.data.map((m) => m.id).sort();
        setModels(names);
        const wanted = new URLSearchParams(window.location.search).get('model');
        setModel(wanted && names.includes(wanted) ? wanted : (names[0] ?? ''));
      },
      (failure: unknown) => setError(messageOf(failure)),
    );
  }, []);

  useEffect(() => {
    if (!model) return;
    setMeta(null);
    setError(null);
    fetchMetadata(model).then(
      (answer) => {
        setMeta(answer);
        setMode(modesOf(answer)[0]!);
      },
      (failure: unknown) => setError(messageOf(failure)),
    );
  }, [model]);

  return (
    <>
      <PageHeader
        title="Playground"
        subtitle="Send a request to a served model and see the answer, and the curl command that does the same."
      />
      <div class="field playground-model">
        <label for="pg-model">Model</label>
        <select
          id="pg-model"
          value={model}
          onChange={(e) => setModel(e.currentTarget.value)}
          disabled={!models?.length}
          data-testid="playground-model"
        >
          {(models ?? []).map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </div>
      {models && models.length === 0 ? <p class="empty">No model is ready to serve{session.models ? ' for this key' : ''}.</p> : null}
      <ErrorMessage message={error} />
      {meta ? (
        <>
          <section class="panel" aria-labelledby="meta-title" data-testid="playground-metadata">
            <h2 id="meta-title">
              {meta.name}{' '}
              <span class="hint-inline">
                task {meta.parameters?.task ?? 'raw'} · versions {meta.versions.join(', ')}
              </span>
            </h2>
            {meta.parameters?.description ? <p class="description">{meta.parameters.description}</p> : null}
            <div class="signature">
              {(['inputs', 'outputs'] as const).map((side) => (
                <table key={side} class="table table-compact">
                  <caption>{side === 'inputs' ? 'Inputs' : 'Outputs'}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Type</th>
                      <th scope="col">Shape</th>
                    </tr>
                  </thead>
                  <tbody>
                    {meta[side].map((t) => (
                      <tr key={t.name}>
                        <th scope="row">
                          <code>{t.name}</code>
                        </th>
                        <td>{t.datatype}</td>
                        <td>[{t.shape.map((d) => (d < 0 ? '?' : d)).join(', ')}]</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ))}
            </div>
            <details class="curl-details">
              <summary>Metadata request as curl</summary>
              <CurlBlock request={{ method: 'GET', path: `/v2/models/${encodeURIComponent(meta.name)}` }} testId="curl-metadata" />
            </details>
          </section>
          <section class="panel" aria-labelledby="try-title">
            <h2 id="try-title">Try it</h2>
            {modesOf(meta).length > 1 ? (
              <div class="segmented" role="radiogroup" aria-label="Input">
                {modesOf(meta).map((m) => (
                  <label key={m} class={m === mode ? 'segment segment-active' : 'segment'}>
                    <input
                      type="radio"
                      name="pg-mode"
                      value={m}
                      checked={m === mode}
                      onChange={() => setMode(m)}
                      data-testid={`playground-mode-${m}`}
                    />
                    {MODE_LABEL[m]}
                  </label>
                ))}
              </div>
            ) : null}
            {mode === 'text-classification' ? <TextClassificationPanel key={meta.name} meta={meta} /> : null}
            {mode === 'text-embedding' ? <EmbeddingPanel key={meta.name} meta={meta} /> : null}
            {mode === 'image' ? <ImagePanel key={meta.name} meta={meta} /> : null}
            {mode === 'tensors' ? <TensorEditorPanel key={meta.name} meta={meta} /> : null}
          </section>
        </>
      ) : null}
    </>
  );
}
