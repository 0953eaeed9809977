/**
 * text-classification: strings in; label, score and per-label probabilities out. The graph takes token ids
 * and returns logits [batch, labels] (or one logit per row for a binary sigmoid model). The work itself
 * happens in the ORT worker (text-pipeline.ts).
 */
import type { ModelConfig } from '../model-config.js';
import type { ModelSignature, TensorSpec } from '../tensors/tensor.js';
import type { ModelTaskHandler } from './task.js';
import { TEXT_INPUT, assertTextModelInputs, runTextPipeline } from './text-feeds.js';

export function createTextClassificationTask(raw: ModelSignature, config: ModelConfig, tokenizerPath: string): ModelTaskHandler {
  assertTextModelInputs(raw, 'text-classification');
  const logitsSpec = raw.outputs[0];
  if (!logitsSpec || logitsSpec.shape.length !== 2 || (logitsSpec.datatype !== 'FP32' && logitsSpec.datatype !== 'FP64')) {
    throw new Error('task "text-classification" needs a first output of logits [batch, labels] in FP32 or FP64');
  }
  const declaredWidth = logitsSpec.shape[1]!;
  const labels = config.labels ?? [];
  if (declaredWidth > 0 && labels.length > 0 && labels.length !== Math.max(2, declaredWidth)) {
    throw new Error(`config.json has ${labels.length} labels but the model returns ${declaredWidth} logits per row`);
  }
  const labelCount = labels.length || Math.max(2, declaredWidth);
  const outputs: TensorSpec[] = [
    { name: 'label', datatype: 'BYTES', shape: [-1] },
    { name: 'score', datatype: 'FP32', shape: [-1] },
    { name: 'probabilities', datatype: 'FP32', shape: [-1, labelCount] },
  ];

  return {
    name: 'text-classification',
    signature: { inputs: [TEXT_INPUT], outputs },
    pipeline: {
      task: 'text-classification',
      tokenizerPath,
      maxSequenceLength: config.maxSequenceLength,
      tokenInputs: raw.inputs,
      graphOutput: logitsSpec.name,
      normalize: false,
      labels,
      labelCount,
    },
    run: (inputs, outputNames, runRaw) => runTextPipeline(inputs, outputNames, runRaw),
  };
}
