import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { runBin } from '../../helpers/child-process.js';
import { csvRecords, parseNdjson } from '../../helpers/parse-output.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

const USERS = 2500;
let site: TestEmulator;
let dir: TempDir;
const tricky = { username: 'tricky', name: 'Doe, "JJ"\nsecond line', company: 'Commas, Inc.' };
let trickyId: number;

beforeAll(async () => {
  site = await startEmulator({ seed: 7, users: USERS, files: 40 });
  trickyId = (await site.client.users.create(tricky)).id!;
  dir = await tempDir();
});
afterAll(async () => {
  await site?.close();
  await dir?.remove();
});

function ids(records: readonly { id?: unknown }[]): number[] {
  return records.map((r) => Number(r.id));
}

function oneToN(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

describe('files-stream export', () => {
  it('streams every user as NDJSON on stdout, page by page, data only on stdout', async () => {
    const run = await runBin(['export', 'users', '--per-page', '1000'], { env: site.env });
    expect(run.stderr).toMatch(/users\.list: 2501 records, 3 pages to stdout/);
    expect(run.code).toBe(0);
    const users = parseNdjson(run.stdout);
    expect(ids(users)).toEqual(oneToN(USERS + 1));
    expect(users[0]).toHaveProperty('username');
  });

  it('writes valid CSV: commas, quotes and newlines in values survive a round trip', async () => {
    const out = join(dir.path, 'users.csv');
    const run = await runBin(
      ['export', 'users', '--format', 'csv', '--out', out, '--fields', 'id,username,name,company,allowed_ips', '--per-page', '700'],
      { env: site.env },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    const rows = csvRecords(await readFile(out, 'utf8'));
    expect(rows).toHaveLength(USERS + 1);
    expect(Object.keys(rows[0]!)).toEqual(['id', 'username', 'name', 'company', 'allowed_ips']);
    expect(rows.map((r) => Number(r.id))).toEqual(oneToN(USERS + 1));
    expect(rows.find((r) => Number(r.id) === trickyId)).toMatchObject({ name: tricky.name, company: tricky.company });
    expect(rows[0]!.allowed_ips).toContain('\n'); // the emulator's users carry a newline here
  });

  it('flattens nested objects into dotted CSV columns (header from the first record), arrays as JSON text', async () => {
    const run = await runBin(['export', 'automations', '--format', 'csv', '--limit', '3'], { env: site.env });
    expect(run.code, run.stderr).toBe(0);
    const rows = csvRecords(run.stdout);
    expect(rows).toHaveLength(3);
    const [first] = rows;
    expect(first).toHaveProperty(['definition.schema_version'], '1');
    expect(JSON.parse(first!['definition.nodes']!)).toBeInstanceOf(Array);
    expect(JSON.parse(first!['schedule.days_of_week']!)).toEqual([0, 2, 4]);
    expect(first).not.toHaveProperty('definition');
  });

  it('writes one valid JSON array, streamed, honouring --fields and --limit', async () => {
    const run = await runBin(['export', 'users', '--format', 'json', '--fields', 'id,email', '--limit', '1234', '--per-page', '500'], {
      env: site.env,
    });
    expect(run.code, run.stderr).toBe(0);
    const users = JSON.parse(run.stdout) as { id: number; email: string }[];
    expect(ids(users)).toEqual(oneToN(1234));
    expect(Object.keys(users[0]!)).toEqual(['id', 'email']);
  });

  it('passes filters, sort and typed --param values; path parameters are positional', async () => {
    const sorted = await runBin(
      ['export', 'users', '--filter-prefix', 'username=ada', '--sort', 'username:desc', '--fields', 'username', '--param', 'include_parent_site_users=true'],
      { env: site.env },
    );
    expect(sorted.code, sorted.stderr).toBe(0);
    const names = parseNdjson<{ username: string }>(sorted.stdout).map((u) => u.username);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => n.startsWith('ada'))).toBe(true);
    expect(names).toEqual([...names].sort().reverse());

    const folder = await runBin(['export', 'folders.listFor', '/', '--fields', 'path,type'], { env: site.env });
    expect(folder.code, folder.stderr).toBe(0);
    const entries = parseNdjson<{ path: string; type: string }>(folder.stdout);
    const top = await site.client.folders.listFor('/').toArray();
    expect(entries.map((e) => e.path)).toEqual(top.map((e) => e.path));
  });
});
