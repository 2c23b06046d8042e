// Reading the README and the guides: which files they are, their fenced code blocks (with the
// `<!-- run: name -->` mark that asks a test to run one), their links and their headings'
// anchors. Used by the link checker, the code-block runner and the package test.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../helpers/shared.js';

/** Folders of docs/ whose files are generated or not yet merged: no guide text of ours. */
const NOT_GUIDES = ['docs/api.md', 'docs/reference/', 'docs/drafts/'];

/** Every Markdown file below `dir` (repository-relative, `/`-separated), sorted. */
function markdownFiles(dir: string): string[] {
  if (!existsSync(join(repoRoot, dir))) return [];
  return readdirSync(join(repoRoot, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? markdownFiles(`${dir}/${e.name}`) : e.name.endsWith('.md') ? [`${dir}/${e.name}`] : []))
    .sort();
}

/** The README and every guide under docs/ (not docs/api.md, docs/reference/, docs/drafts/), repository-relative. */
export function guideFiles(): string[] {
  return ['README.md', ...markdownFiles('docs').filter((f) => !NOT_GUIDES.some((n) => f === n || f.startsWith(n)))];
}

/** Every Markdown file the link checker reads: the guides, and the generated docs/api.md and docs/reference/. */
export function linkedFiles(): string[] {
  return ['README.md', ...markdownFiles('docs').filter((f) => !f.startsWith('docs/drafts/'))];
}

/** Reads a repository-relative file. */
export function readRepoFile(file: string): string {
  return readFileSync(join(repoRoot, file), 'utf8');
}

/** A fenced code block of a Markdown file. */
export interface CodeBlock {
  /** Repository-relative file. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The fence's info string (`ts`, `sh`, `yaml`, or empty). */
  readonly lang: string;
  /** The block's text, without the fence's indentation. */
  readonly code: string;
  /** The name given by a `<!-- run: name -->` line just before the fence, if any. */
  readonly run: string | undefined;
}

const FENCE = /^( *)```(.*)$/;
const RUN_MARK = /^\s*<!--\s*run:\s*([\w-]+)\s*-->\s*$/;

/** The fenced code blocks of a Markdown file, in order. */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = readRepoFile(file).split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]!); j++) body.push(lines[j]!.slice(Math.min(indent, lines[j]!.search(/\S|$/))));
    if (j === lines.length) throw new Error(`${file}:${i + 1}: a code fence that is never closed`);
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const mark = before >= 0 ? RUN_MARK.exec(lines[before]!) : null;
    blocks.push({ file, line: i + 1, lang: open[2]!.trim(), code: `${body.join('\n')}\n`, run: mark?.[1] });
    i = j;
  }
  return blocks;
}

/** The text of a Markdown file outside fenced code blocks and inline code, lines kept. */
export function proseOf(text: string): string {
  const lines = text.split('\n');
  let inFence = false;
  return lines
    .map((line) => {
      if (/^\s*```/.test(line)) {
        inFence = !inFence;
        return '';
      }
      return inFence ? '' : line.replace(/`[^`]*`/g, '``');
    })
    .join('\n');
}

/** A relative link of a Markdown file: `[text](target)`. */
export interface MarkdownLink {
  readonly line: number;
  readonly target: string;
}

/** The links of a Markdown file that point into the repository (not `http:`, `https:`, `mailto:`). */
export function relativeLinks(file: string): MarkdownLink[] {
  const prose = proseOf(readRepoFile(file)).split('\n');
  const links: MarkdownLink[] = [];
  prose.forEach((line, i) => {
    for (const m of line.matchAll(/\]\(([^()\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1]!;
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push({ line: i + 1, target });
    }
    for (const m of line.matchAll(/<a\s[^>]*href="([^"]+)"/g)) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(m[1]!)) links.push({ line: i + 1, target: m[1]! });
    }
  });
  return links;
}

/** GitHub's anchor of a heading's text: lower case, punctuation dropped, spaces as `-`. */
export function slugOf(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link: its text
    .replace(/<[^>]+>/g, '') // HTML tags
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** The anchors of a Markdown file: its headings' (numbered as GitHub numbers twins), and `id`/`name` attributes. */
export function anchorsOf(file: string): Set<string> {
  const text = readRepoFile(file);
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inFence = false;
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const slug = slugOf(heading[1]!);
      const n = seen.get(slug) ?? 0;
      anchors.add(n === 0 ? slug : `${slug}-${n}`);
      seen.set(slug, n + 1);
    }
    for (const m of line.matchAll(/<a\s[^>]*(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  }
  return anchors;
}

/** A repository-relative path, `/`-separated. */
export function repoRelative(absolute: string): string {
  return relative(repoRoot, absolute).split('\\').join('/');
}
