/**
 * Renders lines of text into a PNG with a real font (sharp's SVG renderer: librsvg + Pango + fontconfig, so the
 * Debian fonts DejaVu and Liberation), for OCR tests that know exactly which text they drew.
 */
import sharp from 'sharp';

export interface TextPage {
  lines: string[];
  /** CSS font family fontconfig resolves, e.g. "DejaVu Sans", "Liberation Serif", "DejaVu Sans Mono". */
  font: string;
  /** Font size in pixels. */
  size: number;
  /** Turn the finished page upside down. */
  rotate180?: boolean;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function renderTextPage(page: TextPage): Promise<Buffer> {
  const lineHeight = Math.round(page.size * 1.9);
  const margin = Math.round(page.size * 1.2);
  const longest = Math.max(...page.lines.map((line) => line.length));
  const width = Math.round(margin * 2 + longest * page.size * 0.68);
  const height = margin * 2 + lineHeight * page.lines.length;
  const rows = page.lines.map(
    (line, i) => `<text x="${margin}" y="${margin + Math.round(lineHeight * (i + 0.7))}" xml:space="preserve">${escapeXml(line)}</text>`,
  );
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect width="100%" height="100%" fill="white"/>` +
    `<g font-family="${page.font}" font-size="${page.size}" fill="black">${rows.join('')}</g></svg>`;
  const image = sharp(Buffer.from(svg)).flatten({ background: '#ffffff' });
  return (page.rotate180 ? image.rotate(180) : image).png().toBuffer();
}

/** Levenshtein distance (insertions, deletions, substitutions each cost 1). */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}
