// A checkpoint is checked against what it describes before a resume writes anything: its
// site (the base URL it was saved against) and its counts (the records in the output bytes
// it covers, counted while their SHA-256 is verified; the CSV header against its columns).
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../../src/cli/checkpoint/checkpoint-error.js';
import { CHECKPOINT_VERSION, siteOf, type Checkpoint } from '../../src/cli/checkpoint/checkpoint.js';
import { verifyOutput } from '../../src/cli/checkpoint/verify-output.js';
import { InterruptedError } from '../../src/cli/errors/interrupted.js';
import { exportOperation, type ExportIo, type ExportJob } from '../../src/cli/export/export-operation.js';
import type { Format } from '../../src/cli/format/encoder.js';
import { createClient } from '../../src/index.js';
import { runInProcess } from '../helpers/cli-in-process.js';
import { startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { csvRecords, parseNdjson } from '../helpers/parse-output.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
const USERS = 700;
/** Users whose names hold what CSV must quote: line breaks, commas, quotes. */
const AWKWARD = new Map([
  [3, 'multi\nline, "quoted"'],
  [150, 'cr\r\nlf'],
  [420, '"\n"\n"'],
]);
let site: TestEmulator;

beforeAll(async () => {
  site = await startEmulator({ seed: 3, users: USERS });
  for (const [id, name] of AWKWARD) await site.client.users.update(id, { name });
});
afterAll(async () => {
  await site?.close();
});

function quietIo(more: Partial<ExportIo> = {}): ExportIo {
  return { stdout: new PassThrough(), stderr: new PassThrough(), progress: false, quiet: true, ...more };
}

/** A client of the site that aborts the export (as SIGINT would) once `requests` were sent. */
function stoppingClient(requests: number): { client: ReturnType<typeof createClient>; signal: AbortSignal } {
  const controller = new AbortController();
  let sent = 0;
  const client = createClient({
    apiKey: site.apiKey,
    baseUrl: site.baseUrl,
    fetch: (input, init) => {
      if (++sent === requests) controller.abort(new InterruptedError('SIGINT'));
      return fetch(input, init);
    },
  });
  return { client, signal: controller.signal };
}

/** Every user id once, in order, from an output of `format`. */
function idsOf(format: Format, text: string): number[] {
  if (format === 'csv') return csvRecords(text).map((r) => Number(r.id));
  if (format === 'json') return (JSON.parse(text) as { id: number }[]).map((u) => u.id);
  return parseNdjson<{ id: number }>(text).map((u) => u.id);
}

describe('the records a checkpoint counts are the records in its output', () => {
  for (const format of ['ndjson', 'csv', 'json'] as const) {
    it(`${format}: an interrupted export resumes (the count matches); a checkpoint whose records was edited is refused, naming the field, output untouched`, async () => {
      const dir = await tempDir();
      const out = join(dir, `users.${format}`);
      const checkpoint = join(dir, 'users.ckpt');
      const job: ExportJob = { operation: 'users', format, out, checkpoint, listing: { perPage: 100 } };
      const { client, signal } = stoppingClient(3);
      const first = await exportOperation(client, job, quietIo({ signal })).catch((e: unknown) => e);
      expect(first).toBeInstanceOf(InterruptedError);
      const text = await readFile(checkpoint, 'utf8');
      const saved = JSON.parse(text) as Checkpoint;
      expect(saved).toMatchObject({ done: false, site: site.baseUrl });
      const n = saved.records;
      expect(n > 0 && n < USERS && n % 100 === 0, `records ${n}`).toBe(true);
      const output = await readFile(out);
      for (const records of [n - 1, n + 1, 0, 999]) {
        await writeFile(checkpoint, JSON.stringify({ ...saved, records }));
        const error = await exportOperation(site.client, job, quietIo()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CheckpointError);
        expect((error as Error).message).toBe(
          `checkpoint ${checkpoint} does not match output ${out}: field records is ${records}, but the ${saved.bytes} bytes it covers hold ${n} records (the checkpoint was changed: delete both to start over)`,
        );
        expect((await readFile(out)).equals(output), 'output unchanged').toBe(true);
      }
      await writeFile(checkpoint, text);
      const resumed = await exportOperation(site.client, job, quietIo());
      expect(resumed).toMatchObject({ resumed: true, totalRecords: USERS });
      expect(idsOf(format, await readFile(out, 'utf8'))).toEqual(Array.from({ length: USERS }, (_, i) => i + 1));
      if (format === 'csv') for (const [id, name] of AWKWARD) expect(csvRecords(await readFile(out, 'utf8'))[id - 1]!.name).toBe(name);
      // The finished checkpoint is checked the same way: a rerun does nothing only when it matches.
      const done = JSON.parse(await readFile(checkpoint, 'utf8')) as Checkpoint;
      expect(done).toMatchObject({ done: true, records: USERS });
      expect(await exportOperation(site.client, job, quietIo())).toMatchObject({ alreadyDone: true, totalRecords: USERS });
      await writeFile(checkpoint, JSON.stringify({ ...done, records: USERS + 1 }));
      await expect(exportOperation(site.client, job, quietIo())).rejects.toThrow(/field records is 701, but the \d+ bytes it covers hold 700 records/);
    });
  }

  it('--limit: a checkpoint whose records was lowered cannot make the export overshoot the limit (exit 2)', async () => {
    const dir = await tempDir();
    const out = join(dir, 'users.ndjson');
    const checkpoint = join(dir, 'users.ckpt');
    const job: ExportJob = { operation: 'users', format: 'ndjson', out, checkpoint, limit: 500, listing: { perPage: 100 } };
    const { client, signal } = stoppingClient(4);
    await exportOperation(client, job, quietIo({ signal })).catch(() => undefined);
    const saved = JSON.parse(await readFile(checkpoint, 'utf8')) as Checkpoint;
    expect(saved.records).toBeGreaterThanOrEqual(200);
    await writeFile(checkpoint, JSON.stringify({ ...saved, records: 1 }));
    const argv = ['--base-url', site.baseUrl, '--api-key', site.apiKey, 'export', 'users', '--limit', '500', '--per-page', '100', '--out', out, '--checkpoint', checkpoint];
    const run = await runInProcess(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^error: checkpoint .* field records is 1, but the \\d+ bytes it covers hold ${saved.records} records`, 'm'));
    expect(parseNdjson(await readFile(out, 'utf8'))).toHaveLength(saved.records);
  });

  it('csv: a checkpoint whose columns were edited is refused, naming the field and the header', async () => {
    const dir = await tempDir();
    const out = join(dir, 'users.csv');
    const checkpoint = join(dir, 'users.ckpt');
    const job: ExportJob = { operation: 'users', format: 'csv', fields: ['id', 'name', 'email'], out, checkpoint, listing: { perPage: 100 } };
    const { client, signal } = stoppingClient(3);
    await exportOperation(client, job, quietIo({ signal })).catch(() => undefined);
    const saved = JSON.parse(await readFile(checkpoint, 'utf8')) as Checkpoint;
    expect(saved.columns).toEqual(['id', 'name', 'email']);
    await writeFile(checkpoint, JSON.stringify({ ...saved, columns: ['id', 'email'] }));
    const error = await exportOperation(site.client, job, quietIo()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toBe(`checkpoint ${checkpoint} does not match output ${out}: field columns is id,email, but the output's header is id,name,email (the checkpoint was changed: delete both to start over)`);
  });

  it('json: a complete array whose checkpoint says it is not done is refused (its closing bracket would be written twice)', async () => {
    const dir = await tempDir();
    const out = join(dir, 'users.json');
    const checkpoint = join(dir, 'users.ckpt');
    const job: ExportJob = { operation: 'users', format: 'json', out, checkpoint, limit: 150, listing: { perPage: 100 } };
    await exportOperation(site.client, job, quietIo());
    const saved = JSON.parse(await readFile(checkpoint, 'utf8')) as Checkpoint;
    expect(saved).toMatchObject({ done: true, cursor: null, records: 150 });
    await writeFile(checkpoint, JSON.stringify({ ...saved, done: false }));
    await expect(exportOperation(site.client, job, quietIo())).rejects.toThrow(/field done is false, but the output's JSON array is closed/);
    expect((JSON.parse(await readFile(out, 'utf8')) as unknown[]).length).toBe(150);
  });
});

describe('counting the records of the covered bytes (verifyOutput)', () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  async function check(format: Format, text: string, records: number, more: Partial<Checkpoint> = {}, csvRaw = false): Promise<string | undefined> {
    const dir = await tempDir();
    const out = join(dir, 'out');
    await writeFile(out, `${text}trailing bytes of a page the kill cut`);
    const checkpoint: Checkpoint = {
      version: CHECKPOINT_VERSION,
      site: 'https://app.files.com',
      export: { operation: 'users.list', pathArgs: [], params: {}, format, ...(csvRaw ? { csvRaw } : {}) },
      output: resolve(out),
      sha256: sha256(text),
      cursor: 'next',
      bytes: Buffer.byteLength(text),
      records,
      pages: 1,
      done: false,
      savedAt: '',
      ...more,
    };
    return verifyOutput(checkpoint, out, 'c.ckpt').then(
      () => undefined,
      (e: unknown) => (e as Error).message,
    );
  }

  it('ndjson: one record a line', async () => {
    expect(await check('ndjson', '', 0)).toBeUndefined();
    expect(await check('ndjson', '{"a":1}\n{"a":"x,\\"y\\"\\n"}\n{}\n', 3)).toBeUndefined();
    expect(await check('ndjson', '{"a":1}\n{}\n', 3)).toMatch(/field records is 3, but the 11 bytes it covers hold 2 records/);
  });

  it('csv: the header row is not a record; quoted cells may hold line breaks, commas and doubled quotes', async () => {
    const text = 'id,name\n1,"two\nlines"\n2,"cr\r\nlf, and ""quotes""\n"""\n3,plain\n';
    expect(await check('csv', text, 3, { columns: ['id', 'name'] })).toBeUndefined();
    expect(await check('csv', text, 4, { columns: ['id', 'name'] })).toMatch(/field records is 4, but the \d+ bytes it covers hold 3 records/);
    expect(await check('csv', text, 3, { columns: ['id', 'nom'] })).toMatch(/field columns is id,nom, but the output's header is id,name/);
    // Header names a spreadsheet would run are written neutralised, unless --csv-raw.
    expect(await check('csv', "id,'=x\n1,2\n", 1, { columns: ['id', '=x'] })).toBeUndefined();
    expect(await check('csv', 'id,=x\n1,2\n', 1, { columns: ['id', '=x'] }, true)).toBeUndefined();
    // A first record with no fields: no header, one empty line a record.
    expect(await check('csv', '\n\n', 2, { columns: [] })).toBeUndefined();
    expect(await check('csv', '', 0)).toBeUndefined();
  });

  it('json: the elements of the array, open or closed', async () => {
    expect(await check('json', '', 0)).toBeUndefined();
    expect(await check('json', '[\n{"a":"[\\n]"}', 1)).toBeUndefined();
    expect(await check('json', '[\n{},\n[1,2],\n{}', 3)).toBeUndefined();
    expect(await check('json', '[\n{},\n{}', 1)).toMatch(/field records is 1, but the \d+ bytes it covers hold 2 records/);
    expect(await check('json', '[]\n', 0, { done: true, cursor: null })).toBeUndefined();
    expect(await check('json', '[\n{},\n{}\n]\n', 2, { done: true, cursor: null })).toBeUndefined();
    expect(await check('json', '[\n{},\n{}\n]\n', 2, { done: false, cursor: null })).toMatch(/field done is false, but the output's JSON array is closed/);
    expect(await check('json', '[\n{},\n{}', 2, { done: true, cursor: null })).toMatch(/field done is true, but the output's JSON array is not closed/);
  });
});

describe('a checkpoint is bound to its site', () => {
  it('siteOf: scheme, host and port (lower case, default port dropped) and path; never credentials, query or fragment', () => {
    expect(siteOf('https://app.files.com')).toBe('https://app.files.com');
    expect(siteOf('https://APP.Files.com:443/')).toBe('https://app.files.com');
    expect(siteOf('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(siteOf('https://user:secret-pw@acme.files.com/tenant/?q=1#x')).toBe('https://acme.files.com/tenant');
  });

  it('resumed against another base URL: refused naming both sites, before any request; the same site spelled otherwise resumes', async () => {
    const dir = await tempDir();
    const out = join(dir, 'users.ndjson');
    const checkpoint = join(dir, 'users.ckpt');
    const base = ['--api-key', site.apiKey, 'export', 'users', '--per-page', '100', '--out', out, '--checkpoint', checkpoint];
    const { client, signal } = stoppingClient(3);
    await exportOperation(client, { operation: 'users', format: 'ndjson', out, checkpoint, listing: { perPage: 100 } }, quietIo({ signal })).catch(() => undefined);
    const output = await readFile(out);
    const saved = await readFile(checkpoint, 'utf8');
    expect(JSON.parse(saved)).toMatchObject({ site: site.baseUrl });
    const other = site.baseUrl.replace('127.0.0.1', 'localhost');
    site.emulator.resetLog();
    const run = await runInProcess(['--base-url', other, ...base]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error: checkpoint ${checkpoint} was saved for site ${site.baseUrl}, not ${other}: rerun with --base-url ${site.baseUrl} (or FILESCOM_BASE_URL), or use another checkpoint and output`);
    expect(site.emulator.stats.total).toBe(0);
    expect((await readFile(out)).equals(output), 'output unchanged').toBe(true);
    expect(await readFile(checkpoint, 'utf8')).toBe(saved);
    const same = await runInProcess(['--base-url', `${site.baseUrl.replace('http:', 'HTTP:')}/api/rest/v1/`, ...base]);
    expect(same.code, same.stderr).toBe(0);
    expect(parseNdjson(await readFile(out, 'utf8'))).toHaveLength(USERS);
  });

  it('an older checkpoint (version 2, no site) is refused by its version', async () => {
    const dir = await tempDir();
    const out = join(dir, 'users.ndjson');
    const checkpoint = join(dir, 'users.ckpt');
    await writeFile(out, '');
    await writeFile(checkpoint, JSON.stringify({ version: 2, export: { operation: 'users.list', pathArgs: [], params: {}, format: 'ndjson' }, output: out, sha256: sha256Empty(), cursor: null, bytes: 0, records: 0, pages: 0, done: false, savedAt: '' }));
    const run = await runInProcess(['--base-url', site.baseUrl, '--api-key', site.apiKey, 'export', 'users', '--out', out, '--checkpoint', checkpoint]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: checkpoint .* has version 2; this files-stream reads version 3/m);
  });
});

function sha256Empty(): string {
  return createHash('sha256').digest('hex');
}
