/**
 * The correctness oracle for text generation: transformers.js (same onnxruntime-node, its own tokenizer
 * and chat-template code) loads a decoder folder unchanged and runs generate() greedily. Sluice's answer
 * for the same model and prompt must be the same tokens.
 */
import path from 'node:path';
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  env,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type Tensor,
} from '@huggingface/transformers';

export interface GreedyAnswer {
  /** New tokens, the end token included when generation stopped on it. */
  tokens: number[];
  /** The new tokens decoded without special tokens (what an API returns as text). */
  text: string;
  promptTokens: number;
  stoppedOnEos: boolean;
}

export interface Oracle {
  tokenizer: PreTrainedTokenizer;
  chat(messages: { role: string; content: string }[], maxNewTokens: number): Promise<GreedyAnswer>;
  complete(prompt: string, maxNewTokens: number): Promise<GreedyAnswer>;
  dispose(): Promise<void>;
}

/** `dtype` picks the file as transformers.js does: fp32 is onnx/model.onnx, q8 onnx/model_quantized.onnx. */
export async function loadOracle(modelDirectory: string, eosTokenIds: number[], dtype: 'fp32' | 'q8' = 'fp32'): Promise<Oracle> {
  env.allowRemoteModels = false;
  env.localModelPath = `${path.dirname(modelDirectory)}/`;
  const id = path.basename(modelDirectory);
  const tokenizer = await AutoTokenizer.from_pretrained(id);
  const model: PreTrainedModel = await AutoModelForCausalLM.from_pretrained(id, { dtype });

  async function run(inputIds: Tensor, attentionMask: Tensor, maxNewTokens: number): Promise<GreedyAnswer> {
    const promptTokens = Number(inputIds.dims[1]);
    const output = (await model.generate({
      input_ids: inputIds,
      attention_mask: attentionMask,
      max_new_tokens: maxNewTokens,
      do_sample: false,
    })) as Tensor;
    const all = (output.tolist() as bigint[][])[0]!.map(Number);
    const tokens = all.slice(promptTokens);
    const stoppedOnEos = tokens.length > 0 && eosTokenIds.includes(tokens[tokens.length - 1]!);
    const text = tokenizer.decode(stoppedOnEos ? tokens.slice(0, -1) : tokens, { skip_special_tokens: true });
    return { tokens, text, promptTokens, stoppedOnEos };
  }

  return {
    tokenizer,
    async chat(messages, maxNewTokens) {
      const inputs = tokenizer.apply_chat_template(messages, { add_generation_prompt: true, return_dict: true }) as unknown as {
        input_ids: Tensor;
        attention_mask: Tensor;
      };
      return run(inputs.input_ids, inputs.attention_mask, maxNewTokens);
    },
    async complete(prompt, maxNewTokens) {
      const inputs = tokenizer(prompt) as { input_ids: Tensor; attention_mask: Tensor };
      return run(inputs.input_ids, inputs.attention_mask, maxNewTokens);
    },
    dispose: async () => {
      await model.dispose();
    },
  };
}
