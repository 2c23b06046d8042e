/**
 * The generator: spec in, files out. Pure (no I/O), so a test can compare its output with
 * the files on disk. Paths are relative to the repository root.
 */
import { apiDoc } from './docs.js';
import { errorTypesModule } from './errors.js';
import { examplesModule } from './examples.js';
import { manifestModule } from './manifest.js';
import { modelFieldsModule } from './model-fields.js';
import { modelModules, modelsIndex } from './models.js';
import { generatedIndexModule, namespacesModule } from './namespaces.js';
import { operationSpecsModule } from './operation-specs.js';
import { resourceModules } from './operations.js';
import type { Spec } from './spec.js';

export type { Spec } from './spec.js';

/** The directory the generator owns entirely: anything else in it is stale. */
export const GENERATED_DIR = 'src/generated';

/** Every generated file, keyed by path relative to the repository root, in a stable order. */
export function generate(spec: Spec): Map<string, string> {
  const files = new Map<string, string>([
    ...modelModules(spec),
    ['src/generated/models/index.ts', modelsIndex(spec)],
    ...resourceModules(spec),
    ['src/generated/namespaces.ts', namespacesModule(spec)],
    ['src/generated/index.ts', generatedIndexModule(spec)],
    ['src/generated/manifest.ts', manifestModule(spec)],
    ['src/generated/model-fields.ts', modelFieldsModule(spec)],
    ['src/generated/operation-specs.ts', operationSpecsModule(spec)],
    ['src/generated/examples.ts', examplesModule(spec)],
    ['src/generated/error-types.ts', errorTypesModule(spec)],
    ['docs/api.md', apiDoc(spec)],
  ]);
  return files;
}
