/** `src/generated/operation-specs.ts`: every operation's `OperationSpec` by id, for tools. */
import { doc, file, HEADER, importLine, quote } from './format.js';
import { resourceFile } from './naming.js';
import { groupByResource } from './operations.js';
import type { Spec } from './spec.js';

export function operationSpecsModule(spec: Spec): string {
  const groups = groupByResource(spec);
  const imports = [importLine(['OperationSpec'], '../api/operation.js', true)];
  const entries: string[] = [];
  for (const [resource, ops] of groups) {
    imports.push(importLine(ops.map((o) => o.constName), `./resources/${resourceFile(resource).replace(/\.ts$/, '.js')}`));
    for (const o of ops) entries.push(`  ${quote(o.id)}: ${o.constName},`);
  }
  const body = [
    doc(
      `Every operation's spec (${spec.operations.length}), keyed by \`namespace.method\`, for tools such as the CLI. Importing this module loads every resource module.`,
    ),
    'export const operationSpecs: Readonly<Record<string, OperationSpec>> = {',
    ...entries,
    '};',
  ].join('\n');
  return file(HEADER, imports.join('\n'), body);
}
