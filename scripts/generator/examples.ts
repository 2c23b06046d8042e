/**
 * `src/generated/examples.ts`: the spec's sample responses, for the emulator and tests only.
 * The client never imports this module, so it costs nothing at `import('files-stream')`.
 */
import { declaration, doc, file, HEADER } from './format.js';
import { nameOperation } from './operations.js';
import type { Spec } from './spec.js';

export function examplesModule(spec: Spec): string {
  const operations: Record<string, unknown> = {};
  for (const op of spec.operations) {
    if (op.exampleResponse === null || op.exampleResponse === undefined) continue;
    const record = Array.isArray(op.exampleResponse) ? op.exampleResponse[0] : op.exampleResponse;
    operations[nameOperation(op).id] = record;
  }
  const models: Record<string, unknown> = {};
  for (const [name, model] of Object.entries(spec.models)) {
    if (model.example) models[name] = model.example;
  }
  return file(
    HEADER,
    [
      doc(
        'The sample record each operation answers with, keyed by `namespace.method` (the first ' +
          'element for array responses). Operations answering 204 have none.',
      ),
      declaration('export const operationExamples: Record<string, unknown> = ', operations),
    ].join('\n'),
    [
      doc('The sample record of each model, keyed by model name (models without one are left out).'),
      declaration('export const modelExamples: Record<string, Record<string, unknown>> = ', models),
    ].join('\n'),
  );
}
