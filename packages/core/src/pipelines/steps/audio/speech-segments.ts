/**
 * Speech segments from per-frame speech probabilities, with Silero VAD's rules (get_speech_timestamps, as ported
 * by @jjhbw/silero-vad): speech starts at the first frame at or above `threshold`; it ends only once the
 * probability has stayed below `negThreshold` (the hysteresis) for `minSilenceSamples`, and the end is where that
 * silence began; segments shorter than `minSpeechSamples` are dropped; each kept segment is padded by
 * `speechPadSamples` on both sides without overlapping its neighbours or leaving the audio.
 */

export interface SegmentRules {
  /** Samples each probability covers (the model's frame). */
  frame: number;
  threshold: number;
  negThreshold: number;
  minSpeechSamples: number;
  minSilenceSamples: number;
  speechPadSamples: number;
}

/** A stretch of speech in samples, end exclusive. */
export interface SampleRange {
  start: number;
  end: number;
}

function detectSpeech(probabilities: Float32Array, totalSamples: number, rules: SegmentRules): SampleRange[] {
  const speeches: SampleRange[] = [];
  let triggered = false;
  let start = 0;
  let silenceStart = 0; // 0 = no silence pending (a silence can never begin at sample 0 while speech is open)
  for (let index = 0; index < probabilities.length; index++) {
    const probability = probabilities[index]!;
    const sample = index * rules.frame;
    if (probability >= rules.threshold) {
      silenceStart = 0;
      if (!triggered) {
        triggered = true;
        start = sample;
      }
      continue;
    }
    if (probability >= rules.negThreshold || !triggered) continue;
    if (!silenceStart) silenceStart = sample;
    if (sample - silenceStart < rules.minSilenceSamples) continue;
    if (silenceStart - start >= rules.minSpeechSamples) speeches.push({ start, end: silenceStart });
    triggered = false;
    silenceStart = 0;
  }
  if (triggered && totalSamples - start >= rules.minSpeechSamples) speeches.push({ start, end: totalSamples });
  return speeches;
}

/** Speech ranges in samples of an audio `totalSamples` long, in order, padded and never overlapping. */
export function speechSegments(probabilities: Float32Array, totalSamples: number, rules: SegmentRules): SampleRange[] {
  const speeches = detectSpeech(probabilities, totalSamples, rules);
  for (let index = 0; index < speeches.length; index++) {
    const speech = speeches[index]!;
    const previousEnd = index === 0 ? 0 : speeches[index - 1]!.end; // already padded
    const nextStart = index === speeches.length - 1 ? totalSamples : speeches[index + 1]!.start; // not yet padded
    speech.start = Math.max(0, Math.floor(Math.max(speech.start - rules.speechPadSamples, previousEnd)));
    speech.end = Math.min(totalSamples, Math.floor(Math.min(speech.end + rules.speechPadSamples, nextStart)));
  }
  return speeches;
}

/** The mean probability of the frames a range overlaps. */
export function meanProbability(probabilities: Float32Array, range: SampleRange, frame: number): number {
  const first = Math.floor(range.start / frame);
  const last = Math.min(probabilities.length - 1, Math.ceil(range.end / frame) - 1);
  let sum = 0;
  for (let index = first; index <= last; index++) sum += probabilities[index]!;
  return last >= first ? sum / (last - first + 1) : 0;
}
