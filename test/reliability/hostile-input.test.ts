// Reliability, part 4a: hostile input. Property-based tests (fast-check) of query
// serialisation, path encoding and path rules, round-tripped through the emulator where it
// makes sense, and hostile folder listings for the tree download.
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadTree, FilesError, UnsafePathError } from '../../src/index.js';
import { serializeQuery } from '../../src/core/query.js';
import { buildUrl, fillPath } from '../../src/core/url.js';
import { normalizePath, pathsEqual, relativeRemotePath, toComparable, unsafePathReason } from '../../src/paths/index.js';
import { resolveInside } from '../../src/paths/node/local.js';
import { safeRelativePath } from '../../src/paths/remote.js';
import { tempDir } from '../helpers/temp-dir.js';
import { captureUnhandled, settle } from './support/process-state.js';
import { FORM, scaled, timeoutMs } from './support/scale.js';
import { API_KEY, scan } from './support/secrets.js';
import { loggedClient, startSite, type Site } from './support/site.js';
import { answer, tinyServer } from './support/tiny-server.js';

/** Runs of the pure properties, and of those that go through HTTP. */
const RUNS = scaled(1_000, 20_000);
const HTTP_RUNS = scaled(60, 600);
const SEED = 20240817;
const params = (numRuns: number) => ({ numRuns, seed: SEED });

// ------------------------------------------------------------------ arbitraries

/** Text of every kind: ASCII, any Unicode (astral too), and the characters URLs and paths care about. */
const hostileText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc
    .array(fc.constantFrom('&', '=', '?', '#', '%', '%2F', '%00', '+', ' ', '[', ']', '/', '\\', '..', '.', '\0', '\n', '\u202e', '😀', 'é', 'ẞ', 'ﬁ', '＼', '．', 'C:', '~', '"', "'", '<', '>', '|', '*', ':', ';', ','), { maxLength: 10 })
    .map((a) => a.join('')),
);

/** A well-formed string (no lone surrogate): what `encodeURIComponent` can encode. */
const wellFormed = hostileText.filter((s) => !/\p{Cs}/u.test(s));

/** Scalars a query can hold. */
const scalar = fc.oneof(wellFormed, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean());
/** A query: scalars, arrays of scalars, and objects (one or two levels), with hostile keys too. */
const queryValue = fc.oneof(
  { weight: 3, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(wellFormed, fc.oneof(scalar, fc.dictionary(wellFormed, scalar, { maxKeys: 3 })), { maxKeys: 3 }) },
);
const query = fc.dictionary(wellFormed, queryValue, { maxKeys: 6 });

/** Path segments a hostile server or user could send. */
const segment = fc.oneof(
  fc.constantFrom('..', '.', '', ' ', '...', '.. ', 'C:', 'c:evil', '\\', '..\\..', '\0', 'a\0b', 'a', 'É', 'ẞ', 'ß', 'ﬁ', 'Σ', 'İ', '＼', '／', '．．', '\u202e', 'con', 'x ', '\t'),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);
const hostilePath = fc.tuple(fc.array(segment, { maxLength: 6 }), fc.constantFrom('/', '\\', '//')).map(([s, joiner]) => s.join(joiner));

// ------------------------------------------------------------------ reference decoders

/** The `[name, value]` pairs a query should become, names with their brackets, before encoding. */
function expectedPairs(q: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  const walk = (name: string, value: unknown) => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) for (const item of value) walk(`${name}[]`, item);
    else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(`${name}[${k}]`, v);
    else out.push([name, String(value)]);
  };
  for (const [k, v] of Object.entries(q)) walk(k, v);
  return out;
}

/** Decodes a query string exactly (no `+` for space: `encodeURIComponent` never writes one). */
function decodePairs(qs: string): [string, string][] {
  if (qs === '') return [];
  return qs.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    return [decodeURIComponent(pair.slice(0, eq)), decodeURIComponent(pair.slice(eq + 1))];
  });
}

const unhandled = captureUnhandled();
afterAll(async () => {
  await settle();
  unhandled.stop();
  expect(unhandled.reasons.map(String), 'unhandled rejections').toEqual([]);
  expect(scan.size).toBeGreaterThan(0);
  expect(scan.leaks()).toEqual([]);
});

describe(`query serialisation and path encoding (${FORM} form, ${RUNS} runs each)`, () => {
  it('serializeQuery: only URL-safe characters; every pair decodes back to exactly what was given', () => {
    fc.assert(
      fc.property(query, (q) => {
        const qs = serializeQuery(q);
        // Brackets of nesting stay literal; everything else is percent-encoded.
        expect(qs).toMatch(/^[A-Za-z0-9\-_.!~*'()%[\]=&]*$/);
        expect(decodePairs(qs)).toEqual(expectedPairs(q));
      }),
      params(RUNS),
    );
  });

  it('fillPath: each value is ONE segment (no raw /, ?, #) that decodes back to the value', () => {
    // `.` and `..` are left to the next test: they are dot segments whatever their encoding.
    const value = wellFormed.filter((s) => s !== '' && s !== '.' && s !== '..');
    fc.assert(
      fc.property(value, value, (path, id) => {
        const filled = fillPath('/files/{path}/parts/{id}', { path, id });
        const segments = filled.split('/');
        expect(segments).toHaveLength(5);
        expect(filled).not.toMatch(/[?#\s]/);
        expect(decodeURIComponent(segments[2]!)).toBe(path);
        expect(decodeURIComponent(segments[4]!)).toBe(id);
        const url = new URL(buildUrl('https://example.files.com', '/files/{path}', { path }, { cursor: id }));
        expect(url.origin).toBe('https://example.files.com');
        expect(url.pathname.startsWith('/api/rest/v1/files/')).toBe(true);
        expect(url.searchParams.get('cursor')).toBe(id);
      }),
      params(RUNS),
    );
  });

  it('a path argument of "." or ".." never sends the request to another endpoint', async () => {
    // The URL parser resolves dot segments (and %2E, .%2E, %2E%2E alike), so `encodeURIComponent`
    // alone lets `files.find('..')` become GET /api/rest/v1/ and /files/../parts/x become /parts/x.
    for (const [template, value] of [['/files/{path}', '..'], ['/files/{path}', '.'], ['/files/{path}/parts/{id}', '..']] as const) {
      let pathname: string | undefined;
      try {
        pathname = new URL(buildUrl('https://example.files.com', template, { path: value, id: 'x' })).pathname;
      } catch (error) {
        expect(error).toBeInstanceOf(FilesError);
        continue;
      }
      // BUG (reported): fillPath('/files/{path}', { path: '..' }) gives /api/rest/v1/files/.., which is /api/rest/v1/.
      expect(pathname, `${template} with ${value}`).toMatch(/^\/api\/rest\/v1\/files\/[^/]/);
    }
    const server = await tinyServer((_req, res) => answer(res, 200, '{"path":"x","type":"file"}'));
    try {
      const { client } = loggedClient({ apiKey: API_KEY, baseUrl: server.baseUrl, retry: false });
      for (const path of ['..', '.']) {
        const error = await client.files.find(path).then(() => undefined, (e: unknown) => e);
        scan.add('dot path error', error);
        // Either refused before sending (a typed error), or sent to the files endpoint: never elsewhere.
        if (error !== undefined) expect(error).toBeInstanceOf(FilesError);
      }
      expect(server.seen.map((s) => s.rawPath).filter((p) => !p.startsWith('/api/rest/v1/files/'))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('a lone surrogate in a path or query value gives a typed error, not a bare URIError', async () => {
    const { client } = loggedClient({ apiKey: API_KEY, baseUrl: 'http://127.0.0.1:9', retry: false });
    const attempts = [
      () => client.folders.create('reports/\uD800x'),
      () => client.folders.listFor('in\uDC00box').toArray(),
      () => client.users.list({ filter_prefix: { username: 'a\uD83D' } }).toArray(),
    ];
    for (const attempt of attempts) {
      const error = await attempt().then(() => undefined, (e: unknown) => e);
      scan.add('lone surrogate error', error);
      // BUG (reported): today `encodeURIComponent` throws `URIError: URI malformed` straight through.
      expect(error, `${String(error)}`).toBeInstanceOf(FilesError);
    }
  });
});

describe(`path rules (${FORM} form, ${RUNS} runs each)`, () => {
  it('normalizePath: idempotent; never a backslash, NUL, empty, "." or ".." name, or edge slash', () => {
    fc.assert(
      fc.property(hostilePath, (p) => {
        const n = normalizePath(p);
        expect(normalizePath(n)).toBe(n);
        expect(n).not.toMatch(/[\\\0]/);
        expect(n.startsWith('/') || n.endsWith('/')).toBe(false);
        if (n !== '') for (const name of n.split('/')) expect(['', '.', '..']).not.toContain(name);
        expect(pathsEqual(p, n)).toBe(true);
      }),
      params(RUNS),
    );
  });

  it('toComparable: idempotent (a comparable form names the same file as the path it came from)', () => {
    fc.assert(
      fc.property(hostilePath, (p) => {
        const c = toComparable(p);
        // BUG (reported): `ẞ` lower-cases to `ß` after transliteration ran, and NFKC turns `＼` into `\` and `．．` into `..`
        // after the separators were read: e.g. toComparable('ẞ') is 'ß' but toComparable('ß') is 'ss'.
        expect(toComparable(c)).toBe(c);
        expect(pathsEqual(p, c)).toBe(true);
      }),
      params(RUNS),
    );
  });

  it('relativeRemotePath: a path below a (normalised) root comes back as its normalised rest; anything else is refused as outside', () => {
    // Names of only white space and dots, other than `.` and `..` (`' '`, `'.. '`, even after NFKC: U+3000),
    // are left out: as the last name they are trimmed to nothing (or to a dot name) and dropped, inside a path
    // they are names, so the rule depends on the position. unsafePathReason refuses them for local paths anyway.
    const odd = (n: string) => n !== '' && n !== '.' && n !== '..' && /^[.\s]+$/.test(n);
    const named = hostilePath.filter((p) => !p.normalize('NFKC').split(/[\\/]/).some(odd));
    fc.assert(
      fc.property(named.map(normalizePath), named, (root, rest) => {
        const full = `${root}/${rest}`;
        expect(relativeRemotePath(root, full)).toBe(normalizePath(rest));
        try {
          const r = relativeRemotePath(root, rest);
          expect(pathsEqual(`${root}/${r}`, rest)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(UnsafePathError);
          expect((error as UnsafePathError).reason).toBe('outside');
        }
      }),
      params(RUNS),
    );
  });

  it('safeRelativePath + resolveInside: a server path is refused with UnsafePathError or lands strictly inside the local folder', () => {
    const root = resolve(tmpdir(), 'reliability-root');
    fc.assert(
      fc.property(fc.oneof(hostilePath, hostilePath.map((p) => `exports/${p}`)), (serverPath) => {
        let local: string;
        try {
          const rel = safeRelativePath('exports', serverPath);
          expect(unsafePathReason(rel)).toBeUndefined();
          local = resolveInside(root, rel);
        } catch (error) {
          expect(error).toBeInstanceOf(UnsafePathError);
          return;
        }
        const fromRoot = relative(root, local);
        expect(fromRoot).not.toBe('');
        expect(isAbsolute(fromRoot)).toBe(false);
        expect(fromRoot === '..' || fromRoot.startsWith(`..${sep}`)).toBe(false);
        expect(local.startsWith(root + sep)).toBe(true);
      }),
      params(RUNS),
    );
  });
});

describe(`round trips through the emulator (${FORM} form, ${HTTP_RUNS} runs each)`, () => {
  let site: Site;
  beforeAll(async () => {
    site = await startSite({ users: 50, files: 0 });
  });
  afterAll(async () => {
    await site?.close();
  });

  it(
    'a folder created with an arbitrary name is listed in its parent under that (normalised) name',
    async () => {
      const { client } = site.client();
      let run = 0;
      // One name, before and after NFKC (which can turn `＼` into a separator): a name, not a path.
      const oneName = (s: string) => s !== '' && !s.includes('/');
      // (A name ending in white space is refused by the API: bad-request/path-cannot-have-trailing-whitespace.)
      const name = wellFormed.filter((s) => oneName(normalizePath(s)) && oneName(normalizePath(normalizePath(s).normalize('NFKC'))) && !/[ \t\n\v\f\r]$/.test(normalizePath(s)));
      await fc.assert(
        fc.asyncProperty(name, async (raw) => {
          const parent = `rt-${run++}`;
          await client.folders.create(`${parent}/${raw}`, { mkdir_parents: true });
          const listed = await client.folders.listFor(parent).toArray();
          expect(listed.map((f) => f.path)).toEqual([`${parent}/${normalizePath(raw)}`]);
          expect(listed[0]!.display_name).toBe(normalizePath(raw));
          // And the folder is found again by the name as given.
          expect((await client.folders.listFor(`${parent}/${raw}`).toArray()).length).toBe(0);
        }),
        params(HTTP_RUNS),
      );
    },
    timeoutMs(30_000),
  );

  it(
    'a user created with an arbitrary username is found again by filter[username] and filter_prefix[username]',
    async () => {
      const { client } = site.client();
      const seen = new Set<string>();
      const username = wellFormed.filter((s) => s.trim() !== '' && !/^[a-z]+\.[a-z]+\d+$/.test(s));
      await fc.assert(
        fc.asyncProperty(username, async (raw) => {
          if (seen.has(raw.toLowerCase())) return;
          seen.add(raw.toLowerCase());
          const created = await client.users.create({ username: raw });
          expect(created.username).toBe(raw);
          const exact = await client.users.list({ filter: { username: raw } }).toArray();
          expect(exact.map((u) => u.id)).toEqual([created.id]);
          const prefixed = await client.users.list({ filter_prefix: { username: raw } }).toArray();
          expect(prefixed.map((u) => u.id)).toContain(created.id);
          for (const u of prefixed) expect(String(u.username).toLowerCase().startsWith(raw.toLowerCase())).toBe(true);
        }),
        params(HTTP_RUNS),
      );
    },
    timeoutMs(30_000),
  );

  it(
    'a cursor of any printable text comes back to the server exactly as it was sent',
    async () => {
      let sent = '';
      const server = await tinyServer((_req, res, seen) => {
        if (!seen.query.has('cursor')) return answer(res, 200, '[{"id":1}]', { 'x-files-cursor-next': sent });
        answer(res, 200, '[{"id":2}]');
      });
      try {
        const { client } = loggedClient({ apiKey: API_KEY, baseUrl: server.baseUrl });
        const printable = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 64 });
        await fc.assert(
          fc.asyncProperty(printable, async (cursor) => {
            sent = cursor;
            server.seen.length = 0;
            const ids = await client.users.list().map((u) => u.id).toArray();
            expect(ids).toEqual([1, 2]);
            expect(server.seen[1]!.query.getAll('cursor')).toEqual([cursor]);
          }),
          params(HTTP_RUNS),
        );
      } finally {
        await server.close();
      }
    },
    timeoutMs(30_000),
  );
});

// ------------------------------------------------------------------ hostile folder listings

/** Entries a hostile listing could hold, by the reason they must be refused (undefined: fine). */
const HOSTILE_ENTRIES: [string, 'file' | 'directory'][] = [
  ['..', 'directory'],
  ['../escape.txt', 'file'],
  ['root/../../escape.txt', 'file'],
  ['root/sub/../../../up.txt', 'file'],
  ['/etc/passwd', 'file'],
  ['//server/share/x.txt', 'file'],
  ['root\\..\\..\\win.txt', 'file'],
  ['root/a\\b.txt', 'file'],
  ['root/nul\0.txt', 'file'],
  ['root/C:evil.txt', 'file'],
  ['C:/evil.txt', 'file'],
  ['other/outside.txt', 'file'],
  ['rooted/not-below.txt', 'file'],
  ['root', 'directory'],
  ['root/', 'file'],
  ['root//double.txt', 'file'],
  ['root/./dot.txt', 'file'],
  ['root/.../dots.txt', 'file'],
  ['root/ /space.txt', 'file'],
  ['', 'file'],
];

/** Safe entries that must be downloaded (names that merely look odd). */
const SAFE_ENTRIES = ['root/ok.txt', 'root/..hidden', 'root/a..b.txt', 'root/．．/fullwidth-dots.txt', 'root/sub/deep.txt', 'root/Ünïcödé 😀.txt'];

/** A server whose folder listings are whatever the test says, with downloads of each file's own path as bytes. */
async function hostileTreeServer(listings: Record<string, { path: string; type: string }[]>) {
  const server = await tinyServer((req, res, seen) => {
    const prefix = '/api/rest/v1/';
    const path = seen.rawPath;
    if (path.startsWith(`${prefix}folders/`)) {
      const folder = decodeURIComponent(path.slice(`${prefix}folders/`.length));
      const entries = listings[normalizePath(folder)] ?? [];
      return answer(res, 200, JSON.stringify(entries.map((e) => ({ ...e, size: e.type === 'file' ? Buffer.byteLength(`bytes of ${e.path}`) : 0, mtime: '2024-01-02T03:04:05Z' }))));
    }
    if (path.startsWith(`${prefix}files/`)) {
      const file = decodeURIComponent(path.slice(`${prefix}files/`.length));
      const body = `bytes of ${file}`;
      return answer(res, 200, JSON.stringify({ path: file, type: 'file', size: Buffer.byteLength(body), mtime: '2024-01-02T03:04:05Z', download_uri: `${server.baseUrl}/dl/${encodeURIComponent(file)}` }));
    }
    if (path.startsWith('/dl/')) return answer(res, 200, `bytes of ${decodeURIComponent(path.slice(4))}`, { 'content-type': 'application/octet-stream' });
    answer(res, 404, '{"type":"not-found"}');
    void req;
  });
  return server;
}

/** Every file and folder under `dir`, relative, `/`-separated. */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map((p) => String(p).split(sep).join('/')).sort();
}

describe(`hostile folder listings for the tree download (${FORM} form)`, () => {
  it('refuses every traversal, absolute, backslash, NUL, drive and outside entry; downloads the odd-but-safe ones; writes nothing outside', async () => {
    const entries = [...HOSTILE_ENTRIES.map(([path, type]) => ({ path, type })), ...SAFE_ENTRIES.map((path) => ({ path, type: 'file' }))];
    // The subfolder's listing is hostile too: it names files above it and beside the root.
    const server = await hostileTreeServer({
      root: [{ path: 'root/sub', type: 'directory' }, { path: 'root/．．', type: 'directory' }, ...entries.filter((e) => e.path !== 'root/sub/deep.txt')],
      'root/sub': [{ path: 'root/sub/deep.txt', type: 'file' }, { path: 'root/sub/../../x.txt', type: 'file' }, { path: 'root/other.txt', type: 'file' }],
    });
    const { path: sandbox, remove } = await tempDir('reliability-hostile-');
    try {
      const { client } = loggedClient({ apiKey: API_KEY, baseUrl: server.baseUrl, retry: false });
      const localDir = join(sandbox, 'inner', 'out');
      const result = await downloadTree(client, 'root', localDir, { concurrency: 3 });
      for (const e of result.errors) scan.add('tree error', e.error);
      expect(result.failed).toBe(0);
      const everything = await tree(sandbox);
      expect(everything.every((p) => p === 'inner' || p.startsWith('inner/out'))).toBe(true);
      const files = (await tree(localDir)).filter((p) => !['sub', '．．'].includes(p));
      expect(files).toEqual(['..hidden', 'Ünïcödé 😀.txt', 'a..b.txt', 'ok.txt', 'other.txt', 'sub/deep.txt', '．．/fullwidth-dots.txt'].sort());
      expect(await readFile(join(localDir, 'ok.txt'), 'utf8')).toBe('bytes of root/ok.txt');
      for (const { error } of result.errors) expect(error).toBeInstanceOf(UnsafePathError);
      expect(result.refused).toBe(result.errors.length);
      expect(result.errors.map((e) => e.path).sort()).toEqual(
        [...HOSTILE_ENTRIES.map(([p]) => p), 'root/sub/../../x.txt'].sort(),
      );
      // Nothing refused was ever asked for.
      const asked = server.seen.filter((s) => s.rawPath.startsWith('/api/rest/v1/files/')).map((s) => decodeURIComponent(s.rawPath.slice('/api/rest/v1/files/'.length)));
      expect(asked.sort()).toEqual([...SAFE_ENTRIES, 'root/other.txt'].sort());
    } finally {
      await server.close();
      await remove();
    }
  });

  it('a folder whose path holds a lone surrogate (valid JSON: "\\ud800") is refused or fails typed, not with a bare URIError', async () => {
    const server = await hostileTreeServer({
      root: [{ path: 'root/bad\uD800dir', type: 'directory' }, { path: 'root/bad\uDC00.txt', type: 'file' }, { path: 'root/ok.txt', type: 'file' }],
    });
    const { path: sandbox, remove } = await tempDir('reliability-surrogate-');
    try {
      const { client } = loggedClient({ apiKey: API_KEY, baseUrl: server.baseUrl, retry: false });
      const outcome = await downloadTree(client, 'root', join(sandbox, 'out')).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      if ('error' in outcome) {
        scan.add('tree rejection', outcome.error);
        // BUG (reported): today the walk's listFor of that folder throws `URIError: URI malformed` and ends the whole download.
        expect(outcome.error, String(outcome.error)).toBeInstanceOf(FilesError);
      } else {
        for (const e of outcome.result.errors) {
          scan.add('tree error', e.error);
          expect(e.error, String(e.error)).toBeInstanceOf(FilesError);
        }
      }
    } finally {
      await server.close();
      await remove();
    }
  });

  it(
    'random hostile listings: the download resolves or rejects with a typed error, and never writes outside its folder',
    async () => {
      const entry = fc.record({ path: fc.oneof(hostilePath, hostilePath.map((p) => `root/${p}`)), type: fc.constantFrom('file', 'directory') });
      await fc.assert(
        fc.asyncProperty(fc.array(entry, { maxLength: 12 }), fc.array(entry, { maxLength: 6 }), async (top, below) => {
          const server = await hostileTreeServer({ root: [{ path: 'root/sub', type: 'directory' }, ...top], 'root/sub': below });
          const { path: sandbox, remove } = await tempDir('reliability-fuzz-');
          try {
            const { client } = loggedClient({ apiKey: API_KEY, baseUrl: server.baseUrl, retry: false });
            const outcome = await downloadTree(client, 'root', join(sandbox, 'inner', 'out'), { concurrency: 2 }).then(
              (result) => ({ result }),
              (error: unknown) => ({ error }),
            );
            for (const p of await tree(sandbox)) expect(p === 'inner' || p.startsWith('inner/out'), p).toBe(true);
            if ('error' in outcome) {
              scan.add('tree rejection', outcome.error);
              // BUG (reported): a folder whose path holds a lone surrogate ends the download with a bare URIError.
              expect(outcome.error, String(outcome.error)).toBeInstanceOf(FilesError);
              return;
            }
            for (const e of outcome.result.errors) scan.add('tree error', e.error);
            // Refused entries carry UnsafePathError; others (a file and a folder at one path, say) failed with a typed or file-system error.
            for (const e of outcome.result.errors) if (!(e.error instanceof UnsafePathError)) expect(outcome.result.failed).toBeGreaterThan(0);
          } finally {
            await server.close();
            await remove();
          }
        }),
        params(scaled(25, 250)),
      );
    },
    timeoutMs(60_000),
  );
});
