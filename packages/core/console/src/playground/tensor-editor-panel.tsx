/** Raw models: every input as a shape and a JSON data field, pre-filled from the metadata, sent as JSON tensors. */
import { useState } from 'preact/hooks';
import { CurlBlock } from '../components/curl-block.js';
import { ErrorMessage } from '../components/error-message.js';
import type { ModelMetadata } from '../models.js';
import { inferJson, type InferAnswer, type JsonTensor } from './infer-client.js';
import { OutputTable } from './output-table.js';
import { initialShape, MAX_EDITOR_ELEMENTS, parseData, parseShape, zeroData } from './tensor-values.js';
import { useRun } from './use-run.js';

interface Field {
  shape: string;
  data: string;
}

function initialFields(meta: ModelMetadata): Record<string, Field> {
  return Object.fromEntries(
    meta.inputs.map((spec) => {
      const shape = initialShape(spec);
      return [spec.name, { shape: shape.join(', '), data: zeroData(spec.datatype, shape) ?? '' }];
    }),
  );
}

export function TensorEditorPanel({ meta }: { meta: ModelMetadata }) {
  const [fields, setFields] = useState(() => initialFields(meta));
  const { state, run, fail } = useRun<InferAnswer>();

  const update = (name: string, patch: Partial<Field>): void => setFields({ ...fields, [name]: { ...fields[name]!, ...patch } });

  const refill = (name: string, datatype: string): void => {
    const shape = parseShape(fields[name]!.shape);
    if (typeof shape === 'string') return fail(shape);
    const data = zeroData(datatype, shape);
    if (data === null)
      return fail(
        `Input ${name}: more than ${MAX_EDITOR_ELEMENTS.toLocaleString('en')} values is too many to edit here; use curl with a file.`,
      );
    update(name, { data });
  };

  const submit = (event: Event): void => {
    event.preventDefault();
    const inputs: JsonTensor[] = [];
    for (const spec of meta.inputs) {
      const field = fields[spec.name]!;
      const shape = parseShape(field.shape);
      if (typeof shape === 'string') return fail(`Input ${spec.name}: ${shape}`);
      const data = parseData(spec.name, spec.datatype, shape, field.data);
      if (typeof data === 'string') return fail(data);
      inputs.push({ name: spec.name, datatype: spec.datatype, shape, data });
    }
    void run(inferJson(meta.name, inputs));
  };

  return (
    <div class="playground-run">
      <form onSubmit={submit} class="stack" noValidate data-testid="tensor-editor">
        {meta.inputs.map((spec, index) => (
          <fieldset key={spec.name} class="tensor-field">
            <legend>
              <code>{spec.name}</code> {spec.datatype} [{spec.shape.join(', ')}]
            </legend>
            <div class="field">
              <label for={`pg-shape-${index}`}>Shape</label>
              <div class="inline-form">
                <input
                  id={`pg-shape-${index}`}
                  placeholder="empty: a scalar"
                  value={fields[spec.name]!.shape}
                  onInput={(e) => update(spec.name, { shape: e.currentTarget.value })}
                  data-testid={`playground-shape-${spec.name}`}
                />
                <button type="button" class="button button-small" onClick={() => refill(spec.name, spec.datatype)}>
                  Fill with zeros<span class="visually-hidden"> for {spec.name}</span>
                </button>
              </div>
            </div>
            <div class="field">
              <label for={`pg-data-${index}`}>Data (JSON, flat or nested, row-major)</label>
              <textarea
                id={`pg-data-${index}`}
                class="mono"
                rows={4}
                spellcheck={false}
                value={fields[spec.name]!.data}
                onInput={(e) => update(spec.name, { data: e.currentTarget.value })}
                data-testid={`playground-data-${spec.name}`}
              />
            </div>
          </fieldset>
        ))}
        <div class="button-row">
          <button type="submit" class="button button-primary" disabled={state.running} data-testid="playground-run">
            {state.running ? 'Running…' : 'Run'}
          </button>
        </div>
      </form>
      <ErrorMessage message={state.error} testId="playground-error" />
      {state.result ? <OutputTable answer={state.result} /> : null}
      {state.curl ? <CurlBlock request={state.curl} /> : null}
    </div>
  );
}
