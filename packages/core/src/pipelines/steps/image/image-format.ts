/** Recognises an encoded image by its first bytes, so only formats we mean to accept ever reach the decoder. */

export type ImageFormat = 'png' | 'jpeg' | 'webp';

export const ACCEPTED_FORMATS = 'PNG, JPEG or WebP';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0): boolean =>
  bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, PNG_SIGNATURE)) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  return undefined;
}

/** A name for a format we refuse, so the error says what was sent. */
export function describeOtherFormat(bytes: Uint8Array): string {
  if (startsWith(bytes, ascii('GIF8'))) return 'a GIF';
  if (startsWith(bytes, ascii('BM'))) return 'a BMP';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'a TIFF';
  if (startsWith(bytes, ascii('<svg')) || startsWith(bytes, ascii('<?xml'))) return 'an SVG/XML document';
  if (startsWith(bytes, ascii('%PDF'))) return 'a PDF';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WAVE'), 8)) return 'a WAV audio file';
  return 'not a recognised image';
}
