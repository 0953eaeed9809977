/**
 * RFC 4180 CSV for exports people open in spreadsheets: quote fields holding a comma, quote, CR or LF; double
 * embedded quotes.
 *
 * Formula injection: a text cell starting with = + - @ tab or CR is a formula to Excel, LibreOffice and Google
 * Sheets (e.g. an SSO subject or a model name "=HYPERLINK(...)"). Such text is written with a leading
 * apostrophe, which spreadsheets show as text and do not display (OWASP's advice). Text that itself starts with
 * an apostrophe gets one more, so parseCsv can remove exactly one and give back the original value: exports
 * stay verifiable. Numbers are written as they are.
 */
const FORMULA_START = /^[=+\-@\t\r']/;

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** csvField's inverse for one cell: drops the apostrophe it added before text that starts like a formula. */
function unneutralise(field: string): string {
  return field.startsWith("'") ? field.slice(1) : field;
}

/**
 * Splits RFC 4180 CSV into rows of raw cells (quoted fields may span lines), as a spreadsheet would see them:
 * the apostrophes csvField put before formula-like text are still there.
 */
export function parseRawCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endField();
      rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows;
}

/** Parses CSV written by csvLine back into rows of the exact strings written. */
export function parseCsv(text: string): string[][] {
  return parseRawCsv(text).map((row) => row.map(unneutralise));
}
