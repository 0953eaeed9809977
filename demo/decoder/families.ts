/**
 * What distinguishes the decoder families we build. The ONNX interface is the same for all of
 * them; the graph inside and config.json differ the way the real checkpoints do.
 */
export type DecoderFamily = 'llama' | 'qwen2' | 'qwen3' | 'phi3' | 'gemma';

export const DECODER_FAMILIES: readonly DecoderFamily[] = ['llama', 'qwen2', 'qwen3', 'phi3', 'gemma'];

export interface FamilyTraits {
  architecture: string;
  modelType: string;
  /** Qwen2: biases on the q/k/v projections. */
  qkvBias: boolean;
  /** Qwen3: RMSNorm over each query and key head before RoPE. */
  qkNorm: boolean;
  /** Phi-3: one qkv_proj and one gate_up_proj instead of separate matrices. */
  fused: boolean;
  /** Gemma: embeddings multiplied by sqrt(hidden_size). */
  scaleEmbeddings: boolean;
  /** Gemma: RMSNorm multiplies by (1 + weight). */
  normPlusOne: boolean;
  /** config.json's hidden_act: SwiGLU (silu) or Gemma's tanh-approximated GELU. */
  hiddenAct: 'silu' | 'gelu_pytorch_tanh';
  /** The real checkpoints' defaults, used when the options leave them out. */
  ropeTheta: number;
  rmsNormEps: number;
  tieWordEmbeddings: boolean;
  /** Whether config.json spells head_dim out (Qwen3 and Gemma do, and it need not be hidden/heads). */
  writesHeadDim: boolean;
}

export const FAMILY_TRAITS: Record<DecoderFamily, FamilyTraits> = {
  // Llama 2/3, SmolLM and SmolLM2 (all LlamaForCausalLM).
  llama: {
    architecture: 'LlamaForCausalLM',
    modelType: 'llama',
    qkvBias: false,
    qkNorm: false,
    fused: false,
    scaleEmbeddings: false,
    normPlusOne: false,
    hiddenAct: 'silu',
    ropeTheta: 10000,
    rmsNormEps: 1e-5,
    tieWordEmbeddings: false,
    writesHeadDim: true,
  },
  qwen2: {
    architecture: 'Qwen2ForCausalLM',
    modelType: 'qwen2',
    qkvBias: true,
    qkNorm: false,
    fused: false,
    scaleEmbeddings: false,
    normPlusOne: false,
    hiddenAct: 'silu',
    ropeTheta: 1000000,
    rmsNormEps: 1e-6,
    tieWordEmbeddings: true,
    writesHeadDim: false,
  },
  qwen3: {
    architecture: 'Qwen3ForCausalLM',
    modelType: 'qwen3',
    qkvBias: false,
    qkNorm: true,
    fused: false,
    scaleEmbeddings: false,
    normPlusOne: false,
    hiddenAct: 'silu',
    ropeTheta: 1000000,
    rmsNormEps: 1e-6,
    tieWordEmbeddings: true,
    writesHeadDim: true,
  },
  phi3: {
    architecture: 'Phi3ForCausalLM',
    modelType: 'phi3',
    qkvBias: false,
    qkNorm: false,
    fused: true,
    scaleEmbeddings: false,
    normPlusOne: false,
    hiddenAct: 'silu',
    ropeTheta: 10000,
    rmsNormEps: 1e-5,
    tieWordEmbeddings: false,
    writesHeadDim: false,
  },
  gemma: {
    architecture: 'GemmaForCausalLM',
    modelType: 'gemma',
    qkvBias: false,
    qkNorm: false,
    fused: false,
    scaleEmbeddings: true,
    normPlusOne: true,
    hiddenAct: 'gelu_pytorch_tanh',
    ropeTheta: 10000,
    rmsNormEps: 1e-6,
    tieWordEmbeddings: true,
    writesHeadDim: true,
  },
};
