/** `src/generated/namespaces.ts`: every resource namespace, built lazily on first access. */
import { doc, exportLine, file, HEADER, importLine } from './format.js';
import { factoryName, namespaceInterfaceName, resourceFile } from './naming.js';
import { groupByResource } from './operations.js';
import type { Spec } from './spec.js';

const INSTALL = `/**
 * Defines every namespace on \`target\` as a lazy property: a namespace is built on first access
 * and cached. Use this (not \`Object.assign\`, which would read, and so build, every one).
 */
export function defineNamespaces<T extends object>(target: T, ctx: ApiContext): T & ApiNamespaces {
  for (const key of Object.keys(namespaceFactories) as (keyof ApiNamespaces)[]) {
    let value: unknown;
    Object.defineProperty(target, key, {
      configurable: true,
      enumerable: true,
      get: () => (value ??= namespaceFactories[key](ctx)),
    });
  }
  return target as T & ApiNamespaces;
}

/** Every namespace on a fresh object, each built on first access. */
export function createNamespaces(ctx: ApiContext): ApiNamespaces {
  return defineNamespaces({}, ctx);
}`;

export function namespacesModule(spec: Spec): string {
  const groups = [...groupByResource(spec)].map(([resource, ops]) => ({
    resource,
    namespace: ops[0]!.namespace,
    module: `./resources/${resourceFile(resource).replace(/\.ts$/, '.js')}`,
  }));
  const imports = [
    importLine(['ApiContext'], '../api/context.js', true),
    ...groups.map((g) =>
      importLine([factoryName(g.namespace), `type ${namespaceInterfaceName(g.namespace)}`], g.module),
    ),
  ];
  const iface = [
    doc('Every Files.com resource namespace of a client: `client.users`, `client.folders`, ...'),
    'export interface ApiNamespaces {',
    ...groups.map((g) => `  ${g.namespace}: ${namespaceInterfaceName(g.namespace)};`),
    '}',
  ].join('\n');
  const factories = [
    doc('The factory of each namespace.'),
    'export const namespaceFactories: {',
    '  readonly [K in keyof ApiNamespaces]: (ctx: ApiContext) => ApiNamespaces[K];',
    '} = {',
    ...groups.map((g) => `  ${g.namespace}: ${factoryName(g.namespace)},`),
    '};',
  ].join('\n');
  return file(HEADER, imports.join('\n'), iface, factories, INSTALL);
}

/**
 * `src/generated/index.ts`: what the package re-exports from the generated code: model
 * schemas and interfaces, parameter and namespace types. Not the manifest nor the examples,
 * which only tools and the emulator load.
 */
export function generatedIndexModule(spec: Spec): string {
  const groups = [...groupByResource(spec)];
  const resourceTypes = groups.map(([resource, ops]) => {
    const names = [namespaceInterfaceName(ops[0]!.namespace), ...ops.filter((n) => n.params.length > 0).map((n) => n.paramsName)];
    return exportLine(names, `./resources/${resourceFile(resource).replace(/\.ts$/, '.js')}`, true);
  });
  return file(
    HEADER,
    [
      "export * from './models/index.js';",
      "export type { ApiNamespaces } from './namespaces.js';",
      "export type { ApiOperationInfo } from './manifest.js';",
      "export { errorFamilyOf } from './error-types.js';",
      "export type { Filter, FilterValue, NoParams, SortBy, SortDirection } from '../api/params.js';",
    ].join('\n'),
    resourceTypes.join('\n'),
  );
}
