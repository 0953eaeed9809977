/**
 * CTC prefix beam search (Hannun et al., 2014): finds the most probable labelling by summing over all the
 * alignments that produce it, where greedy decoding follows the single best path. It matters for characters
 * the model spreads over several steps at moderate probability: a space between two words may be no step's
 * best class (blank 0.6, space 0.4 twice) and still be more likely present than absent (1 - 0.36).
 */

interface Beam {
  labels: number[];
  /** Probability of the prefix with the last step a blank, and with it a character (scaled per step). */
  blank: number;
  nonBlank: number;
}

/** Classes with less probability than this at a step are not tried as extensions there. */
const CANDIDATE_FLOOR = 1e-3;

/**
 * Decodes one row of [steps, classes] probabilities (blank = class 0) starting at `offset`. Returns the best
 * labelling and its log probability.
 */
export function beamSearchRow(
  data: Float32Array,
  offset: number,
  steps: number,
  classes: number,
  beamWidth: number,
): { labels: number[]; logProbability: number } {
  let beams: Beam[] = [{ labels: [], blank: 1, nonBlank: 0 }];
  let logScale = 0;
  for (let t = 0; t < steps; t++) {
    const at = offset + t * classes;
    const candidates: number[] = [];
    for (let c = 1; c < classes; c++) if (data[at + c]! >= CANDIDATE_FLOOR) candidates.push(c);
    const next = new Map<string, Beam>();
    const entry = (labels: number[]): Beam => {
      const key = labels.join(',');
      let beam = next.get(key);
      if (!beam) next.set(key, (beam = { labels, blank: 0, nonBlank: 0 }));
      return beam;
    };
    const blankProbability = data[at]!;
    for (const beam of beams) {
      const total = beam.blank + beam.nonBlank;
      entry(beam.labels).blank += total * blankProbability;
      const last = beam.labels[beam.labels.length - 1];
      for (const c of candidates) {
        const p = data[at + c]!;
        const extended = entry([...beam.labels, c]);
        if (c === last) {
          // A repeat is a new character only after a blank; otherwise it continues the last one.
          extended.nonBlank += beam.blank * p;
          entry(beam.labels).nonBlank += beam.nonBlank * p;
        } else {
          extended.nonBlank += total * p;
        }
      }
    }
    beams = [...next.values()].sort((a, b) => b.blank + b.nonBlank - (a.blank + a.nonBlank)).slice(0, beamWidth);
    // Rescale so long lines do not underflow; the scale is kept in log space.
    const best = beams[0]!.blank + beams[0]!.nonBlank;
    if (best > 0) {
      for (const beam of beams) {
        beam.blank /= best;
        beam.nonBlank /= best;
      }
      logScale += Math.log(best);
    }
  }
  const winner = beams[0]!;
  return { labels: winner.labels, logProbability: logScale + Math.log(winner.blank + winner.nonBlank) };
}
