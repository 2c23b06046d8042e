// What each code block of the README and the guides marked `<!-- run: name -->` needs (its
// emulator, files on the site or on disk) and what it must do, checked against the emulator.
// Keyed `file#name`; test/docs/code-blocks.test.ts runs them, test/readme/quickstart.test.ts
// runs the quickstart's again as a program of its own.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ClientOptions } from 'files-stream';
import type { EmulatorOptions } from 'files-stream/testing';
import type { InProcessResult } from '../helpers/cli-in-process.js';
import { queryDuckDB } from '../helpers/duckdb.js';
import { parseCsv } from '../helpers/parse-output.js';
import type { TestEmulator } from '../helpers/emulator.js';

type Rec = Record<string, unknown>;

/** What a block did. */
export interface Ran {
  /** The site it ran against. */
  readonly site: TestEmulator;
  /** Its working directory (a fresh temporary one). */
  readonly dir: string;
  /** What it printed with `console.log`, a line per call. */
  readonly out: readonly string[];
  /** What it wrote to `process.stdout` directly. */
  readonly stdout: string;
  /** What it passed to `load` or `index` (the records, flattened). */
  readonly loaded: readonly Rec[];
  /** A shell block: each command line and what it did (every one exited 0). */
  readonly commands: readonly { readonly line: string; readonly result: InProcessResult }[];
}

/** How to run a block and what to check. */
export interface BlockSpec {
  /** The site's options. */
  readonly emulator?: EmulatorOptions;
  /** Options of the `files` and `client` the block uses without defining (after the emulator's key and origin). */
  readonly client?: ClientOptions;
  /** Files on the site and in the working directory before the block runs; the values of `url`. */
  setup?(site: TestEmulator, dir: string): Promise<{ url?: string } | void>;
  check(ran: Ran): void | Promise<void>;
}

/** The site of `files-stream emulator --users 5000 --files 500`, whose data the CLI guide's examples name. */
const CLI_SITE: EmulatorOptions = { seed: '1', users: 300, files: 500 }; // the same folder tree with fewer users

const ids = (records: readonly Rec[]) => records.map((r) => r['id']);
const lines = (text: string) => text.split('\n').filter((l) => l !== '');
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

/** Every file below a local folder, relative, sorted. */
function localFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? localFiles(dir, join(prefix, e.name)) : [join(prefix, e.name)]))
    .sort();
}

/** Every file (not folder) below a remote folder, by path, as the API lists them. */
async function remoteFiles(site: TestEmulator, folder: string): Promise<Rec[]> {
  const found: Rec[] = [];
  const entries = (await site.walk(`/folders/${encodeURIComponent(folder)}`, 1000)).records;
  for (const entry of entries) {
    if (entry['type'] === 'directory') found.push(...(await remoteFiles(site, entry['path'] as string)));
    else found.push(entry);
  }
  return found;
}

/** The File record of a remote path, or undefined when there is none. */
async function remoteFile(site: TestEmulator, path: string): Promise<Rec | undefined> {
  const res = await site.api(`/files/${encodeURIComponent(path)}`);
  return res.status === 200 ? ((await res.json()) as Rec) : undefined;
}

/** The title of the 404 the site answers for a missing file. */
async function notFoundTitle(site: TestEmulator, path: string): Promise<string> {
  const res = await site.api(`/files/${encodeURIComponent(path)}`);
  expect(res.status).toBe(404);
  return ((await res.json()) as Rec)['title'] as string;
}

async function upload(site: TestEmulator, path: string, text: string): Promise<void> {
  await site.client.files.upload(path, new TextEncoder().encode(text), { mkdir_parents: true });
}

/** The README's and the listings guide's resume loop: every user once, in order, through failures. */
const resume: BlockSpec = {
  emulator: { users: 1_500 },
  // No retries: every dropped connection reaches the loop, which resumes from `resumeCursor`.
  client: { retry: false },
  async setup(site) {
    site.emulator.setFaults({ connectionReset: 0.5, maxConsecutive: 1 });
  },
  async check({ site, loaded }) {
    const resets = site.emulator.requests.filter((r) => r.fault !== undefined).length;
    expect(resets).toBeGreaterThanOrEqual(1);
    site.emulator.setFaults({});
    expect(ids(loaded)).toEqual(ids((await site.walk('/users', 1000)).records));
  },
};

export const blockSpecs: Record<string, BlockSpec> = {
  'README.md#quickstart': {
    emulator: { users: 2_345, seed: 3 },
    async check({ site, out }) {
      const users = (await site.walk('/users', 1000)).records;
      const members = users.filter((u) => u['site_admin'] !== true).slice(0, 10);
      expect(members.length).toBe(10);
      expect(users.length - members.length).toBeGreaterThan(0);
      const history = (await site.walk('/history', 1000)).records.length;
      const batches = Array.from({ length: Math.ceil(history / 500) }, (_, i) => `a batch of ${Math.min(500, history - i * 500)} history records`);
      expect(out).toEqual([
        `${users.length} users`,
        `first users who are not site admins: ${members.map((u) => u['username']).join(', ')}`,
        ...batches,
        `missing: ${await notFoundTitle(site, '/no/such/file.txt')}`,
      ]);
      // The admins are left out by the server: one request, with the filter.
      const filtered = site.emulator.requests.filter((r) => r.operation === 'users.list' && r.query['filter[not_site_admin]'] !== undefined);
      expect(filtered.map((r) => r.query['filter[not_site_admin]'])).toEqual(['true']);
    },
  },
  'README.md#resume': resume,
  'docs/listings.md#resume': resume,
  'README.md#walk-readme': {
    async check({ site, out }) {
      const root = (await site.walk(`/folders/${encodeURIComponent('/')}`, 1000)).records.filter((e) => e['type'] === 'file');
      expect(root.length).toBeGreaterThanOrEqual(3);
      expect(out).toEqual(root.slice(0, 3).map((f) => `${f['path']} ${f['size']}`));
    },
  },
  'README.md#cli-overview': {
    emulator: CLI_SITE,
    async check({ site, dir, commands }) {
      const [exportCsv, byTime, sync, ls, download, , uploadTree, mkdir, mv, stat, operations] = commands.map((c) => c.result);
      const users = (await site.walk('/users', 1000)).records;
      expect(parseCsv(read(dir, 'users.csv'))).toHaveLength(users.length + 1);
      expect(exportCsv!.stdout).toBe('');
      // 1,000 action logs, one every 5 s from 2024-01-01T00:00:05Z: all on 2024-01-01.
      expect(lines(read(dir, 'day.ndjson'))).toHaveLength(1000);
      expect(JSON.parse(read(dir, 'day.ckpt'))).toMatchObject({ done: true, records: 1000 });
      expect(byTime!.code).toBe(0);
      expect(sync!.code).toBe(0);
      expect(await queryDuckDB('SELECT count(*)::INTEGER AS n FROM action_logs', join(dir, 'files.duckdb'))).toEqual([{ n: 1000 }]);
      const folder = (await site.walk(`/folders/${encodeURIComponent('contracts-1')}`, 1000)).records;
      expect(lines(ls!.stdout)).toHaveLength(folder.length);
      expect(download!.code).toBe(0);
      const remote = await remoteFiles(site, 'contracts-1/invoices-1');
      expect(remote.length).toBeGreaterThan(0);
      expect(localFiles(join(dir, 'invoices'))).toEqual(remote.map((f) => (f['path'] as string).slice('contracts-1/invoices-1/'.length)).sort());
      for (const ran of [uploadTree, mkdir, mv, stat]) expect(ran!.code).toBe(0);
      const archived = await remoteFiles(site, 'archive/invoices');
      expect(archived.map((f) => (f['path'] as string).slice('archive/invoices/'.length)).sort()).toEqual(localFiles(join(dir, 'invoices')));
      expect(await remoteFile(site, 'archive/2024/users.csv')).toMatchObject({ size: statSync(join(dir, 'users.csv')).size });
      expect(stat!.stdout).toMatch(/^path: +archive\/2024\/users\.csv$/m);
      expect(lines(operations!.stdout)).toHaveLength(419);
    },
  },
  'README.md#emulator-readme': { check: () => {} },
  'docs/partitioned-exports.md#partition': {
    // Every action log inside January 2026: 5,000 records 5 s apart, up to the 20th.
    emulator: { actionLogs: 5_000, logsUntil: Date.parse('2026-01-20T00:00:00Z') },
    check({ loaded }) {
      expect(loaded).toHaveLength(5_000);
      // Action logs have no id: each record's content is its identity.
      expect(new Set(loaded.map((r) => JSON.stringify(r))).size).toBe(5_000);
      const times = loaded.map((r) => Date.parse(r['created_at'] as string));
      expect(times).toEqual([...times].sort((a, b) => a - b));
    },
  },
  'docs/errors.md#errors': {
    async check({ site, out }) {
      expect(out).toEqual([`missing: ${await notFoundTitle(site, '/no/such/file.txt')}`]);
    },
  },
  'docs/calling-the-api.md#calls': {
    async check({ site }) {
      expect((await site.walk('/folders/a', 100)).records).toMatchObject([{ path: 'a/b', type: 'directory' }]);
      const created = site.emulator.requests.filter((r) => r.operation?.startsWith('users.'));
      expect(created.map((r) => `${r.operation} ${r.status}`)).toEqual(['users.create 201', 'users.update 200', 'users.delete 204']);
      expect(site.emulator.stats.byOperation['history.listForUser']).toBe(1);
    },
  },
  'docs/calling-the-api.md#path-rules': {
    check({ out }) {
      expect(out).toEqual(['true']);
    },
  },
  'docs/files-and-trees.md#download-stream': {
    async setup(site) {
      await upload(site, 'reports/2024/q1.csv', 'region,total\nnorth,12\nsouth,30\n');
    },
    async check({ site, out, stdout }) {
      const file = (await remoteFile(site, 'reports/2024/q1.csv'))!;
      expect(out).toEqual([`${file['size']} ${file['mtime']} ${file['md5']}`]);
      expect(stdout).toBe('region,total\nnorth,12\nsouth,30\n');
    },
  },
  'docs/files-and-trees.md#download-to-file': {
    async setup(site) {
      await upload(site, 'reports/2024/q1.csv', 'region,total\nnorth,12\n');
    },
    check({ dir }) {
      expect(read(dir, 'out/q1.csv')).toBe('region,total\nnorth,12\n');
    },
  },
  'docs/files-and-trees.md#upload': {
    async setup(site, dir) {
      writeFileSync(join(dir, 'data.csv'), 'a,b\n1,2\n');
      writeFileSync(join(dir, 'big.bin'), new Uint8Array(300_000).fill(7));
      await upload(site, 'source/from-http.bin', 'bytes over http');
      const res = await site.api(`/files/${encodeURIComponent('source/from-http.bin')}`);
      return { url: ((await res.json()) as Rec)['download_uri'] as string };
    },
    async check({ site, out }) {
      const data = (await remoteFile(site, 'inbox/2024/data.csv'))!;
      expect(data).toMatchObject({ size: 8, provided_mtime: '2024-01-31T12:00:00Z' });
      expect(out).toEqual(['parts sent: 1, bytes: 8', `inbox/2024/data.csv 8 ${data['md5']}`]);
      expect(await remoteFile(site, 'inbox/hello.txt')).toMatchObject({ size: 5 });
      expect(await remoteFile(site, 'inbox/from-http.bin')).toMatchObject({ size: 'bytes over http'.length });
      expect(await remoteFile(site, 'inbox/from-node.bin')).toMatchObject({ size: 300_000 });
    },
  },
  'docs/files-and-trees.md#walk': {
    async setup(site) {
      for (const path of ['reports/a.csv', 'reports/notes.txt', 'reports/2024/q1.csv', 'reports/2024/deep/x.csv', 'reports/archive/old.csv']) await upload(site, path, path);
    },
    check({ out, loaded }) {
      expect([...out].sort()).toEqual(
        ['reports/a.csv', 'reports/notes.txt', 'reports/2024/q1.csv', 'reports/2024/deep/x.csv', 'reports/archive/old.csv'].map((p) => `${p} ${p.length}`).sort(),
      );
      // Two levels, CSVs only, the archive not descended into.
      expect(loaded.map((r) => r['path']).sort()).toEqual(['reports/2024/q1.csv', 'reports/a.csv']);
    },
  },
  'docs/files-and-trees.md#wait': {
    emulator: { migrationMs: 200 },
    async setup(site) {
      await upload(site, 'reports/a.csv', 'a');
      await upload(site, 'reports/2024/b.csv', 'b');
    },
    async check({ site, out }) {
      expect(out.at(-1)).toBe('complete');
      expect(out.slice(0, -1).every((l) => /^\d+ of \d+$/.test(l))).toBe(true);
      expect((await remoteFiles(site, 'backup/reports')).map((f) => f['path']).sort()).toEqual(['backup/reports/2024/b.csv', 'backup/reports/a.csv']);
    },
  },
  'docs/files-and-trees.md#download-tree': {
    async setup(site) {
      await upload(site, 'exports/2024/a.csv', 'a,b\n');
      await upload(site, 'exports/2024/x/y.txt', 'why\n');
    },
    check({ dir, out }) {
      expect(read(dir, 'exports-2024/a.csv')).toBe('a,b\n');
      expect(read(dir, 'exports-2024/x/y.txt')).toBe('why\n');
      expect(out.slice(0, -1).sort()).toEqual(['downloaded exports/2024/a.csv 1 done, 4 bytes', 'downloaded exports/2024/x/y.txt 2 done, 8 bytes'].sort());
      expect(out.at(-1)!.replace(/\s+/g, ' ')).toBe('{ downloaded: 2, skipped: 0, refused: 0, failed: 0, bytes: 8, errors: [] }');
    },
  },
  'docs/testing-with-the-emulator.md#in-process': { check: () => {} },
  'docs/testing-with-the-emulator.md#over-http': { check: () => {} },
  'docs/testing-with-the-emulator.md#logs-until-now': {
    check({ out }) {
      expect(out).toEqual(['1500']);
    },
  },
  'docs/cli.md#export-examples': {
    emulator: CLI_SITE,
    async check({ site, dir, commands }) {
      const users = (await site.walk('/users', 1000)).records;
      const [ndjson, , fields, , history, folderFiles, lastLogin] = commands.map((c) => c.result);
      expect(lines(ndjson!.stdout).map((l) => (JSON.parse(l) as Rec)['id'])).toEqual(ids(users));
      expect(parseCsv(read(dir, 'users.csv'))).toHaveLength(users.length + 1);
      const ada = users.filter((u) => (u['username'] as string).toLowerCase().startsWith('ada'));
      expect(lines(fields!.stdout)).toHaveLength(ada.length);
      expect(JSON.parse(read(dir, 'logs.json'))).toHaveLength(1000);
      expect(history!.code).toBe(0);
      expect(lines(read(dir, 'history.ndjson')).length).toBeGreaterThan(0);
      expect(JSON.parse(read(dir, 'history.ckpt'))).toMatchObject({ done: true });
      const rootFiles = (await site.walk(`/folders/${encodeURIComponent('/')}?type=file`, 1000)).records;
      expect(lines(folderFiles!.stdout)).toHaveLength(rootFiles.length);
      const since = Date.parse('2024-01-01');
      const loggedIn = users.filter((u) => u['last_login_at'] && Date.parse(u['last_login_at'] as string) > since);
      expect(lines(lastLogin!.stdout)).toHaveLength(loggedIn.length);
    },
  },
  'docs/cli.md#files-commands': {
    emulator: CLI_SITE,
    async setup(_site, dir) {
      writeFileSync(join(dir, 'q1.csv'), 'quarter,total\nq1,42\n');
    },
    async check({ site, dir, commands }) {
      const [root, , oneFile] = commands.map((c) => c.result);
      const rootEntries = (await site.walk(`/folders/${encodeURIComponent('/')}`, 1000)).records;
      // The root as `ls /` saw it: before the upload made inbox/.
      const before = rootEntries.filter((e) => e['path'] !== 'inbox');
      expect(lines(root!.stdout)).toEqual(before.map((e) => `${e['path']}${e['type'] === 'directory' ? '/' : ''}`));
      expect(lines(oneFile!.stdout)).toHaveLength(1);
      const tree = lines(read(dir, 'tree.ndjson')).map((l) => JSON.parse(l) as Rec);
      expect(tree.filter((e) => e['type'] === 'file')).toHaveLength(500);
      const remote = await remoteFiles(site, 'contracts-1');
      expect(localFiles(join(dir, 'contracts'))).toHaveLength(remote.length);
      const budget = (await remoteFile(site, 'budget-1.pdf'))!;
      expect(statSync(join(dir, 'downloads', 'budget-1.pdf')).size).toBe(budget['size']);
      expect(statSync(join(dir, 'q1-budget.pdf')).size).toBe(budget['size']);
      expect(existsSync(join(dir, 'q1-budget.pdf', 'budget-1.pdf'))).toBe(false);
      expect(await remoteFile(site, 'inbox/q1.csv')).toMatchObject({ size: 'quarter,total\nq1,42\n'.length });
    },
  },
};
