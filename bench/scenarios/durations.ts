/** Bench run lengths (seconds); BENCH_SECONDS scales the load runs for a quicker or steadier run. */
const load = Number(process.env.BENCH_SECONDS ?? 8);

export const benchSeconds = {
  load,
  warmUp: Math.max(1, Math.round(load / 4)),
  limitPoint: Math.max(1, load / 3),
};
