/**
 * docs/reference/ is what `npm run docs:api` writes (TypeDoc from the TSDoc of the public
 * entries), its links lead somewhere, and every public export it shows is documented.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiReference } from '../../scripts/api-reference.js';
import { repoRoot } from '../helpers/shared.js';

const REGENERATE = 'docs/reference/ is stale: run `npm run docs:api` and commit the result';
const canRun = await import('typedoc').then(
  () => true,
  () => false,
);
const title = canRun
  ? 'the API reference'
  : 'the API reference [skipped: typedoc is not installed: run `npm install` to get the dev dependencies]';

/** The `#anchor`s GitHub gives the headings of a markdown file. */
function anchorsOf(markdown: string): Set<string> {
  const headings = markdown.split('\n').filter((line) => /^#{1,6} /.test(line));
  return new Set(headings.map((line) => line.replace(/^#+ /, '').trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')));
}

describe.skipIf(!canRun)(title, () => {
  let script: typeof import('../../scripts/api-reference.js');
  let reference: ApiReference;

  beforeAll(async () => {
    script = await import('../../scripts/api-reference.js');
    reference = await script.renderApiReference();
  }, 300_000);

  it('docs/reference/ holds exactly the pages `npm run docs:api` writes', () => {
    const committed = script.readReference(join(repoRoot, script.REFERENCE_DIR));
    const stale = [...reference.files].filter(([path, contents]) => committed.get(path) !== contents).map(([path]) => path);
    const extra = [...committed.keys()].filter((path) => !reference.files.has(path));
    expect({ stale, extra }, REGENERATE).toEqual({ stale: [], extra: [] });
  });

  it('has one module per public entry, in package.json order, and no page for a generated type', () => {
    const entries = script.apiEntries().map((entry) => entry.specifier);
    expect(entries).toEqual(['files-stream', 'files-stream/schemas', 'files-stream/extend', 'files-stream/testing', 'files-stream/sync']);
    const index = reference.files.get('README.md')!;
    const listed = [...index.matchAll(/^\| \[([^\]]+)\]\(([^)]+)\) \|/gm)].map((match) => [match[1], match[2]]);
    expect(listed).toEqual(entries.map((specifier) => [specifier, `${specifier}/README.md`]));
    for (const specifier of entries) expect(reference.files.has(`${specifier}/README.md`)).toBe(true);
    // The generated surface (150 models, their schemas, the parameter types and namespaces)
    // is linked to, not repeated: no page is named after one of its types.
    const generated = /\/(User|File|UserSchema|UserListParams|UsersNamespace)\.md$/;
    expect([...reference.files.keys()].filter((path) => generated.test(path))).toEqual([]);
    expect(reference.files.get('files-stream/interfaces/ApiNamespaces.md')).toContain(
      '`users` | [`UsersNamespace`](../../../api.md#users) |',
    );
  });

  it('every relative link leads to a file, and every link into docs/api.md to a heading', () => {
    const apiAnchors = anchorsOf(readFileSync(join(repoRoot, 'docs/api.md'), 'utf8'));
    const broken: string[] = [];
    let links = 0;
    for (const [page, contents] of reference.files) {
      const prose = contents.replace(/```[\s\S]*?```/g, '');
      for (const [, link] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^([a-z]+:|#)/.test(link!)) continue;
        links++;
        const [path, anchor] = link!.split('#');
        const target = posix.join(posix.dirname(`${script.REFERENCE_DIR}/${page}`), path!);
        const inReference = target.startsWith(`${script.REFERENCE_DIR}/`);
        const exists = inReference ? reference.files.has(target.slice(script.REFERENCE_DIR.length + 1)) : existsSync(join(repoRoot, target));
        if (!exists || (target === 'docs/api.md' && anchor !== undefined && !apiAnchors.has(anchor))) broken.push(`${page}: ${link}`);
      }
    }
    expect(broken).toEqual([]);
    expect(links).toBeGreaterThan(500);
  });

  it('every public export has TSDoc, and every type a page names is exported', () => {
    expect({ undocumented: reference.undocumented, problems: reference.problems }).toEqual({ undocumented: [], problems: [] });
  });
});
