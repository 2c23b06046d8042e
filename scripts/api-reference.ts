/**
 * `npm run docs:api`: regenerates `docs/reference/`, the API reference of files-stream's own
 * exports, from their TSDoc, with TypeDoc and its markdown plugin (options in `typedoc.json`).
 *
 * The entries are the package's public entries, as package.json "exports" lists them (their
 * `files-stream-source` files), each named by its import specifier (`files-stream/extend`).
 * The generated Files.com surface (models, parameter types, namespaces) is left out: where a
 * page names one of its types, it links to `docs/api.md` or to the generated source.
 * The output is deterministic (no dates, no source links, no absolute paths, a fixed order),
 * so that test/docs/api-reference.test.ts can compare it with what is committed. Exports
 * without TSDoc and types a page names but no entry exports are printed as warnings (the
 * reference is still written); that test fails on them.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  Application,
  DeclarationReflection,
  Logger,
  LogLevel,
  ReflectionKind,
  TSConfigReader,
  TypeDocReader,
} from 'typedoc';
import { MarkdownPageEvent, type MarkdownApplication } from 'typedoc-plugin-markdown';

/** Where the reference is written, relative to the repository root. */
export const REFERENCE_DIR = 'docs/reference';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The generated API surface's modules, which the reference links to instead of repeating. */
const GENERATED_MODELS = 'src/generated/models/';
const GENERATED_RESOURCES = 'src/generated/resources/';

/** What {@link renderApiReference} produced. */
export interface ApiReference {
  /** Every page, by its path relative to {@link REFERENCE_DIR} (`/`-separated), in path order. */
  files: Map<string, string>;
  /** The public exports that have no TSDoc, as `entry.Name (Kind)`, sorted. */
  undocumented: string[];
  /** TypeDoc's other warnings and errors (broken links, types named but not exported). */
  problems: string[];
}

/** One public entry: its import specifier and its source file. */
export interface ApiEntry {
  /** `files-stream`, `files-stream/extend`, ... */
  specifier: string;
  /** The entry's source, relative to the repository root: `src/extend.ts`. */
  source: string;
}

/** The package's public entries: package.json "exports" with a `files-stream-source` file. */
export function apiEntries(): ApiEntry[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, string | Record<string, string>>;
  };
  const entries: ApiEntry[] = [];
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const source = typeof target === 'object' ? target['files-stream-source'] : undefined;
    if (source === undefined) continue;
    entries.push({ specifier: posix.join(pkg.name, subpath), source: posix.normalize(source) });
  }
  return entries;
}

/** Collects TypeDoc's messages instead of printing them. */
class CollectingLogger extends Logger {
  /** The warnings and errors, in the order TypeDoc gave them. */
  readonly messages: string[] = [];

  override log(message: string, level: LogLevel): void {
    if (level >= LogLevel.Warn) this.messages.push(message);
  }
}

/** Where a type the reference leaves out is documented: a path from the repository root. */
function generatedHome(packagePath: string, name: string): string | undefined {
  if (packagePath.startsWith(GENERATED_RESOURCES) && name.endsWith('Namespace')) {
    // `UsersNamespace` is the `users` section of docs/api.md (its anchor, lowercased).
    return `docs/api.md#${name.slice(0, -'Namespace'.length).toLowerCase()}`;
  }
  if (packagePath.startsWith(GENERATED_MODELS) || packagePath.startsWith(GENERATED_RESOURCES)) return packagePath;
  return undefined;
}

/** A link from a page at `pageUrl` (relative to the reference) to `target` (from the repository root). */
function linkFromPage(pageUrl: string, target: string): string {
  const pageDir = posix.dirname(posix.join(REFERENCE_DIR, pageUrl));
  return posix.relative(pageDir, target.split('#')[0]!) + (target.includes('#') ? `#${target.split('#')[1]}` : '');
}

/** The page of an entry whose exports are all generated ends with this. */
const EMPTY_ENTRY_NOTE =
  'Its exports are generated from the Files.com spec, one module per model, and documented there: ' +
  `see [src/generated/models/](repo:/${GENERATED_MODELS}).`;

/** Marks a link into the repository, made relative to its page once the page is rendered. */
const REPO_LINK = 'repo:/';

/** Every file under `dir` (none if it is missing), by its `/`-separated path relative to `dir`, in path order. */
export function readReference(dir: string): Map<string, string> {
  if (!existsSync(dir)) return new Map();
  const paths = readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
  return new Map(paths.map((path) => [path, readFileSync(join(dir, path), 'utf8')]));
}

/** Runs TypeDoc on the public entries and returns the reference's pages, without writing them. */
export async function renderApiReference(): Promise<ApiReference> {
  const entries = apiEntries();
  const out = mkdtempSync(join(tmpdir(), 'files-stream-api-reference-'));
  try {
    const app = await Application.bootstrapWithPlugins(
      {
        options: join(root, 'typedoc.json'),
        entryPoints: entries.map((entry) => join(root, entry.source)),
        out,
        logLevel: 'Warn',
      },
      [new TypeDocReader(), new TSConfigReader()],
    );
    const logger = new CollectingLogger();
    logger.level = LogLevel.None;
    app.logger = logger;

    app.converter.addUnknownSymbolResolver((_ref, _refl, _part, symbolId) => {
      if (symbolId === undefined || symbolId.packageName !== 'files-stream') return undefined;
      const home = generatedHome(symbolId.packagePath, symbolId.qualifiedName);
      return home === undefined ? undefined : REPO_LINK + home;
    });
    (app as MarkdownApplication).renderer.on(MarkdownPageEvent.END, (page) => {
      const model: unknown = page.model;
      if (model instanceof DeclarationReflection && model.kindOf(ReflectionKind.Module) && !model.children?.length) {
        // An entry made only of generated exports (`files-stream/schemas`): say where they are.
        page.contents += `\n${EMPTY_ENTRY_NOTE}\n`;
      }
      page.contents = page.contents?.replace(/\]\(repo:\/([^)\s]+)\)/g, (_m, target: string) => `](${linkFromPage(page.url, target)})`);
    });

    const project = await app.convert();
    if (project === undefined) throw new Error(`TypeDoc could not convert the entries:\n${logger.messages.join('\n')}`);
    // Name each entry by its import specifier rather than by its file name (`index`).
    const specifierOf = new Map(entries.map((entry) => [entry.source, entry.specifier]));
    for (const module of project.getChildrenByKind(ReflectionKind.Module) as DeclarationReflection[]) {
      const source = project.getSymbolIdFromReflection(module)?.packagePath;
      const specifier = source === undefined ? undefined : specifierOf.get(source);
      if (specifier === undefined) throw new Error(`TypeDoc made a module of ${source ?? module.name}, which is no entry`);
      module.name = specifier;
    }
    // The modules in package.json order, the root entry first.
    const order = entries.map((entry) => entry.specifier);
    const rank = (reflection: { name: string }): number => order.indexOf(reflection.name);
    project.children?.sort((a, b) => rank(a) - rank(b));
    for (const group of project.groups ?? []) group.children.sort((a, b) => rank(a) - rank(b));
    app.validate(project);
    await app.generateOutputs(project);

    const files = readReference(out);
    const undocumented = logger.messages
      .map((text) => /^(\S+) \((\w+)\), defined in .*, does not have any documentation$/.exec(text))
      .filter((match) => match !== null)
      .map((match) => `${match[1]} (${match[2]})`)
      .sort();
    const problems = logger.messages.filter((text) => !text.endsWith('does not have any documentation'));
    return { files, undocumented, problems };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Replaces {@link REFERENCE_DIR} with the freshly rendered reference. */
async function main(): Promise<void> {
  const reference = await renderApiReference();
  const target = join(root, REFERENCE_DIR);
  rmSync(target, { recursive: true, force: true });
  for (const [path, contents] of reference.files) {
    mkdirSync(dirname(join(target, path)), { recursive: true });
    writeFileSync(join(target, path), contents);
  }
  for (const problem of reference.problems) process.stderr.write(`docs:api: ${problem}\n`);
  if (reference.undocumented.length > 0) {
    process.stderr.write(`docs:api: ${reference.undocumented.length} public exports have no TSDoc:\n`);
    for (const name of reference.undocumented) process.stderr.write(`  ${name}\n`);
  }
  const bytes = [...reference.files.values()].reduce((sum, contents) => sum + Buffer.byteLength(contents), 0);
  process.stdout.write(`docs:api: ${reference.files.size} pages (${Math.round(bytes / 1024)} KB) in ${REFERENCE_DIR}/\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`docs:api: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
