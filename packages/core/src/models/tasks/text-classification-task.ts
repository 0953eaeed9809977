/**
 * text-classification: strings in; label, score and per-label probabilities out. The graph takes token ids
 * and returns logits [batch, labels] (or one logit per row for a binary sigmoid model).
 */
import type { ModelConfig } from '../model-config.js';
import type { ModelSignature, TensorSpec } from '../tensors/tensor.js';
import type { ModelTaskHandler } from './task.js';
import { TEXT_INPUT, assertTextModelInputs, textsOf, tokenFeeds } from './text-feeds.js';
import type { TextTokenizer } from './text-tokenizer.js';

function softmax(logits: Float32Array | Float64Array, offset: number, width: number, into: Float32Array): void {
  let max = -Infinity;
  for (let i = 0; i < width; i++) max = Math.max(max, logits[offset + i]!);
  let sum = 0;
  for (let i = 0; i < width; i++) sum += into[offset + i] = Math.exp(logits[offset + i]! - max);
  for (let i = 0; i < width; i++) into[offset + i]! /= sum;
}

export function createTextClassificationTask(raw: ModelSignature, config: ModelConfig, tokenizer: TextTokenizer): ModelTaskHandler {
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
    async run(inputs, outputNames, runRaw) {
      const texts = textsOf(inputs);
      const batch = tokenizer.encodeBatch(texts);
      const { outputs: rawOutputs, computeMs } = await runRaw(tokenFeeds(raw, batch), [logitsSpec.name]);
      const logits = rawOutputs[0]!.data as Float32Array | Float64Array;
      const width = rawOutputs[0]!.shape[1]!;
      const probabilities = new Float32Array(texts.length * labelCount);
      for (let row = 0; row < texts.length; row++) {
        if (width === 1) {
          const positive = 1 / (1 + Math.exp(-logits[row]!)); // one logit: binary sigmoid
          probabilities[row * 2] = 1 - positive;
          probabilities[row * 2 + 1] = positive;
        } else {
          softmax(logits, row * width, width, probabilities);
        }
      }
      const label: string[] = [];
      const score = new Float32Array(texts.length);
      for (let row = 0; row < texts.length; row++) {
        let best = 0;
        for (let i = 1; i < labelCount; i++) if (probabilities[row * labelCount + i]! > probabilities[row * labelCount + best]!) best = i;
        label.push(labels[best] ?? String(best));
        score[row] = probabilities[row * labelCount + best]!;
      }
      const all = {
        label: { name: 'label', datatype: 'BYTES' as const, shape: [texts.length], data: label },
        score: { name: 'score', datatype: 'FP32' as const, shape: [texts.length], data: score },
        probabilities: { name: 'probabilities', datatype: 'FP32' as const, shape: [texts.length, labelCount], data: probabilities },
      };
      return {
        outputs: outputNames.map((name) => all[name as keyof typeof all]),
        items: texts.length,
        tokens: batch.tokenCounts.reduce((a, b) => a + b, 0),
        computeMs,
      };
    },
  };
}
