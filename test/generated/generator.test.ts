/** The generator's output is what is committed, is deterministic, and is named as documented. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_DIR, generate } from '../../scripts/generator/index.js';
import { IRREGULAR_NAMESPACES, kebab, namespaceOf, pluralize } from '../../scripts/generator/naming.js';
import type { ApiContext } from '../../src/api/context.js';
import { errorFamilies, errorFamilyOf, errorTypes } from '../../src/generated/error-types.js';
import { apiOperations } from '../../src/generated/manifest.js';
import { createNamespaces, namespaceFactories } from '../../src/generated/namespaces.js';
import { hasSpec, needsSpec, repoRoot, spec } from './spec-fixture.js';

function filesUnder(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(repoRoot, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

describe.skipIf(!hasSpec)(needsSpec('generated code is up to date'), () => {
  const files = hasSpec ? generate(spec) : new Map<string, string>();

  it('every generated file matches `generate(spec)`: run `npm run generate` if not', () => {
    const stale = [...files].filter(([path, contents]) => {
      try {
        return readFileSync(join(repoRoot, path), 'utf8') !== contents;
      } catch {
        return true;
      }
    });
    expect(stale.map(([path]) => path)).toEqual([]);
  });

  it(`${GENERATED_DIR}/ holds no file the generator does not write`, () => {
    const extra = filesUnder(GENERATED_DIR).filter((path) => !files.has(path));
    expect(extra).toEqual([]);
  });

  it('is deterministic', () => {
    expect([...generate(spec)]).toEqual([...files]);
  });

  it('writes one module per model and per resource, plus the shared modules', () => {
    const models = [...files.keys()].filter((p) => p.startsWith('src/generated/models/') && !p.endsWith('/index.ts'));
    const resources = [...files.keys()].filter((p) => p.startsWith('src/generated/resources/'));
    expect(models).toHaveLength(Object.keys(spec.models).length);
    expect(resources).toHaveLength(new Set(spec.operations.map((o) => o.resource)).size);
    for (const path of ['namespaces.ts', 'manifest.ts', 'examples.ts', 'error-types.ts']) {
      expect(files.has(`src/generated/${path}`)).toBe(true);
    }
    expect(files.has('docs/api.md')).toBe(true);
  });

  it('formats consistently: 2-space indent, single quotes, no tabs or trailing spaces', () => {
    const bad: string[] = [];
    for (const [path, contents] of files) {
      if (!path.endsWith('.ts')) continue;
      if (!contents.endsWith('\n')) bad.push(`${path}: no final newline`);
      contents.split('\n').forEach((line, i) => {
        const indent = line.length - line.trimStart().length;
        const oddIndent = indent % 2 === 1 && !line.trimStart().startsWith('*');
        if (/\t| $/.test(line) || oddIndent || /^import .* from "/.test(line)) bad.push(`${path}:${i + 1}: ${line}`);
      });
    }
    expect(bad).toEqual([]);
  });
});

describe('naming', () => {
  it('derives namespaces: regular plurals and the irregular table', () => {
    const cases: Record<string, string> = {
      User: 'users',
      GroupUser: 'groupUsers',
      History: 'history',
      Site: 'site',
      ActionLog: 'actionLogs',
      File: 'files',
      Folder: 'folders',
      IpAddress: 'ipAddresses',
      SsoStrategy: 'ssoStrategies',
      ApiKey: 'apiKeys',
      As2Partner: 'as2Partners',
      ChildSiteManagementPolicy: 'childSiteManagementPolicies',
    };
    for (const [resource, namespace] of Object.entries(cases)) expect(namespaceOf(resource)).toBe(namespace);
    expect(IRREGULAR_NAMESPACES).toEqual({ History: 'history', Site: 'site' });
    expect(pluralize('box')).toBe('boxes');
  });

  it('kebab-cases module names', () => {
    expect(kebab('As2IncomingMessage')).toBe('as2-incoming-message');
    expect(kebab('InboundS3Log')).toBe('inbound-s3-log');
    expect(kebab('groupUsers')).toBe('group-users');
  });

  it.skipIf(!hasSpec)('gives every resource its own namespace', () => {
    const byNamespace = new Map<string, Set<string>>();
    for (const op of spec.operations) {
      const set = byNamespace.get(namespaceOf(op.resource)) ?? new Set();
      byNamespace.set(namespaceOf(op.resource), set.add(op.resource));
    }
    for (const [namespace, resources] of byNamespace) expect([namespace, resources.size]).toEqual([namespace, 1]);
    expect(Object.keys(namespaceFactories).sort()).toEqual([...byNamespace.keys()].sort());
  });
});

describe.skipIf(!hasSpec)(needsSpec('manifest'), () => {
  it('lists every operation in spec order', () => {
    expect(apiOperations).toHaveLength(spec.operations.length);
    apiOperations.forEach((info, i) => {
      const op = spec.operations[i]!;
      expect(info).toMatchObject({
        resource: op.resource,
        sdkMethod: op.sdkMethod,
        method: op.sdkMethod,
        namespace: namespaceOf(op.resource),
        httpMethod: op.method,
        path: op.path,
        paginated: op.paginated,
        pathParams: op.pathParams,
      });
      expect(info.model).toBe(op.returns?.model);
      expect(info.perPageMax).toBe(op.params.find((p) => p.name === 'per_page')?.max);
    });
  });
});

describe('error types', () => {
  it.skipIf(!hasSpec)('match the spec', () => {
    expect([...errorTypes]).toEqual(spec.errors.map((e) => e.type));
    expect([...errorFamilies]).toEqual(spec.errorFamilies.map((f) => f.family));
  });

  it('errorFamilyOf takes the part before the slash, if it is a family', () => {
    expect(errorFamilyOf('not-found/file-not-found')).toBe('not-found');
    expect(errorFamilyOf('not-found/some-new-type')).toBe('not-found');
    expect(errorFamilyOf('rate-limited')).toBe('rate-limited');
    expect(errorFamilyOf('teapot/short-and-stout')).toBeUndefined();
    expect(errorFamilyOf('')).toBeUndefined();
  });
});

describe('namespaces', () => {
  const ctx = { call: () => Promise.resolve(undefined), list: () => undefined } as unknown as ApiContext;

  it('are built on first access and cached', () => {
    const namespaces = createNamespaces(ctx);
    const descriptor = Object.getOwnPropertyDescriptor(namespaces, 'users')!;
    expect(descriptor.get).toBeTypeOf('function');
    expect(namespaces.users).toBe(namespaces.users);
    expect(Object.keys(namespaces.users)).toContain('list');
    expect(createNamespaces(ctx).users).not.toBe(namespaces.users);
  });

  it('the client code never imports the examples module', () => {
    const importers = filesUnder('src')
      .filter((path) => path.endsWith('.ts') && !path.startsWith('src/testing/') && path !== 'src/generated/examples.ts')
      .filter((path) => /from '[^']*examples\.js'/.test(readFileSync(join(repoRoot, path), 'utf8')));
    expect(importers).toEqual([]);
  });
});
