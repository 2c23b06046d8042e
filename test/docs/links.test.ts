// Every relative link of the README and the guides resolves: the file exists, and an anchor
// (`guide.md#section`, `#section`) names a heading of that file as GitHub numbers them.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/shared.js';
import { anchorsOf, guideFiles, linkedFiles, readRepoFile, relativeLinks, slugOf } from './markdown.js';

/** What is wrong with one link of `file`, or undefined when it resolves. */
function problemOf(file: string, target: string, anchors: (file: string) => Set<string>): string | undefined {
  const [path, anchor] = target.split('#', 2) as [string, string | undefined];
  const resolved = path === '' ? file : normalize(join(dirname(file), decodeURI(path))).split('\\').join('/');
  if (resolved.startsWith('..')) return `${target} leaves the repository`;
  const absolute = join(repoRoot, resolved);
  if (!existsSync(absolute)) return `${target}: no file ${resolved}`;
  if (anchor === undefined || anchor === '') return undefined;
  if (!resolved.endsWith('.md') || statSync(absolute).isDirectory()) return `${target}: an anchor into a file that is not Markdown`;
  if (!anchors(resolved).has(anchor)) return `${target}: no heading of ${resolved} has the anchor #${anchor}`;
  return undefined;
}

describe('the links of the README and the guides', () => {
  const cache = new Map<string, Set<string>>();
  const anchors = (file: string) => cache.get(file) ?? cache.set(file, anchorsOf(file)).get(file)!;

  it('reads the README and a dozen guides', () => {
    const guides = guideFiles();
    expect(guides[0]).toBe('README.md');
    expect(guides.length).toBeGreaterThanOrEqual(14);
  });

  const problemsOf = (file: string) =>
    relativeLinks(file).flatMap(({ line, target }) => {
      const problem = problemOf(file, target, anchors);
      return problem ? [`${file}:${line}: ${problem}`] : [];
    });

  for (const file of guideFiles()) {
    it(`${file}: every relative link resolves, anchors included`, () => {
      expect(problemsOf(file)).toEqual([]);
    });
  }

  it('the generated docs (docs/api.md, docs/reference/): every relative link resolves, anchors included', () => {
    const guides = new Set(guideFiles());
    const generated = linkedFiles().filter((f) => !guides.has(f));
    expect(generated).toContain('docs/api.md');
    expect(generated.flatMap(problemsOf)).toEqual([]);
  });

  it('each guide starts with a title, one line saying who it is for, and a contents list', () => {
    const lacking = guideFiles()
      .filter((f) => f !== 'README.md')
      .filter((f) => {
        const lines = readLines(f);
        const first = lines.findIndex((l) => l.startsWith('# '));
        const contents = lines.findIndex((l) => /^- \[.+\]\(#.+\)$/.test(l));
        return first !== 0 || !/^For (anyone|contributors)/.test(lines[2] ?? '') || contents < 0 || contents > 12;
      });
    expect(lacking).toEqual([]);
  });

  it('each README section but the first ends with a "More:" link to its guide', () => {
    const sections = readLines('README.md')
      .join('\n')
      .split(/\n(?=## )/)
      .slice(1)
      .filter((s) => !/^## (Contents|Guides)\n/.test(s));
    const lastParagraph = (s: string) => s.trimEnd().split(/\n\n/).at(-1)!;
    const without = sections.filter((s) => !/^More: [\s\S]*\]\(docs\//.test(lastParagraph(s))).map((s) => s.split('\n')[0]);
    expect(without).toEqual([]);
  });

  it('reads anchors as GitHub makes them', () => {
    expect(slugOf('Checkpoints: `--checkpoint FILE`')).toBe('checkpoints---checkpoint-file');
    expect(slugOf("The records' JSON text")).toBe('the-records-json-text');
    expect(slugOf('Download a file to disk (Node)')).toBe('download-a-file-to-disk-node');
    expect(slugOf('`export`: any list, streamed')).toBe('export-any-list-streamed');
    expect(problemOf('README.md', 'docs/cli.md#no-such-heading', anchors)).toMatch(/no heading of docs\/cli.md/);
    expect(problemOf('docs/cli.md', 'no-such-guide.md', anchors)).toMatch(/no file docs\/no-such-guide.md/);
    expect(problemOf('docs/cli.md', '#exit-status-and-errors', anchors)).toBeUndefined();
  });
});

const readLines = (file: string) => readRepoFile(file).split('\n');
