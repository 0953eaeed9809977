/**
 * IEEE 754 half precision <-> number conversions (FP16 travels as raw Uint16 bits). Numbers are rounded to
 * the nearest half, ties to even (IEEE's default, as ONNX Runtime's Cast does), straight from the 64-bit
 * value: going through float32 first would round twice and can land on the wrong side of a tie.
 */
const scratch = new DataView(new ArrayBuffer(8));

export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Rounds a non-negative number to an integer, ties to even. */
function roundHalfToEven(value: number): number {
  const floor = Math.floor(value);
  const rest = value - floor; // exact: callers pass values below 2^11
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The unbiased binary exponent of a finite, non-zero number (read from its bits: Math.log2 can be off by one). */
function binaryExponent(magnitude: number): number {
  scratch.setFloat64(0, magnitude);
  const biased = (scratch.getUint32(0) >>> 20) & 0x7ff;
  // float64 subnormals are far below the half range, which flushes them to zero anyway.
  return biased === 0 ? -1023 : biased - 1023;
}

export function numberToFloat16Bits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (magnitude === Infinity) return sign | 0x7c00;
  if (magnitude === 0) return sign;
  const exponent = binaryExponent(magnitude);
  if (exponent < -14) {
    // Subnormal half: a multiple of 2^-24. A result of 1024 is the smallest normal, whose bits are 0x0400.
    return sign | roundHalfToEven(magnitude * 2 ** 24);
  }
  let fraction = roundHalfToEven((magnitude / 2 ** exponent - 1) * 1024);
  let halfExponent = exponent + 15;
  if (fraction === 1024) {
    fraction = 0;
    halfExponent += 1;
  }
  if (halfExponent >= 0x1f) return sign | 0x7c00; // 65520 and above round to infinity
  return sign | (halfExponent << 10) | fraction;
}
