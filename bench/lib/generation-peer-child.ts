/**
 * The peer a Node user would write: transformers.js generate() on the same model, serving the requests one
 * at a time in this process (greedy, fixed length). Reads BENCH_PEER ({modelDir, prompts, maxNewTokens})
 * and prints, per request, the prefill time (generate() of one token) and the full generation time.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AutoModelForCausalLM, AutoTokenizer, env, type Tensor } from '@huggingface/transformers';

const { modelDir, prompts, maxNewTokens } = JSON.parse(process.env.BENCH_PEER!) as {
  modelDir: string;
  prompts: string[];
  maxNewTokens: number;
};
env.allowRemoteModels = false;
env.localModelPath = `${path.dirname(modelDir)}/`;
const id = path.basename(modelDir);
const tokenizer = await AutoTokenizer.from_pretrained(id);
const model = await AutoModelForCausalLM.from_pretrained(id, { dtype: 'fp32' });

async function generate(prompt: string, tokens: number): Promise<number> {
  const inputs = tokenizer.apply_chat_template([{ role: 'user', content: prompt }], {
    add_generation_prompt: true,
    return_dict: true,
  }) as unknown as { input_ids: Tensor; attention_mask: Tensor };
  const output = (await model.generate({ ...inputs, max_new_tokens: tokens, do_sample: false })) as Tensor;
  return Number(output.dims[1]) - Number(inputs.input_ids.dims[1]);
}

await generate(prompts[0]!, 4); // warm-up
const results = [];
for (const prompt of prompts) {
  let started = performance.now();
  await generate(prompt, 1);
  const prefillMs = performance.now() - started;
  started = performance.now();
  const tokens = await generate(prompt, maxNewTokens);
  results.push({ prefillMs, totalMs: performance.now() - started, tokens });
}
process.stdout.write(JSON.stringify(results));
await model.dispose();
