/** IEEE 754 half precision <-> number conversions (FP16 travels as raw Uint16 bits). */
const scratch = new DataView(new ArrayBuffer(4));

export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

export function numberToFloat16Bits(value: number): number {
  scratch.setFloat32(0, value);
  const f32 = scratch.getUint32(0);
  const sign = (f32 >>> 16) & 0x8000;
  const exponent = (f32 >>> 23) & 0xff;
  let mantissa = f32 & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    let half = mantissa >> shift;
    if ((mantissa >> (shift - 1)) & 1) half += 1; // round half up
    return sign | half;
  }
  let half = sign | (halfExponent << 10) | (mantissa >> 13);
  if (mantissa & 0x1000) half += 1; // round to nearest; a carry correctly bumps the exponent
  return half;
}
