/**
 * `src/generated/model-fields.ts`: each model's fields and their spec types, in spec order, for
 * tools that map records to typed columns (`files-stream/sync`). Not loaded by the client.
 */
import { declaration, doc, file, HEADER } from './format.js';
import type { Spec } from './spec.js';

const FIELD_TYPE = `/**
 * A model field: its wire name and its spec type (\`string\`, \`int64\`, \`double\`, \`decimal\`,
 * \`boolean\`, \`date-time\`, \`date\`, \`email\`, \`object\`, \`array(string)\`, \`hash(...)\`, or
 * another model's name).
 */
export type ModelField = readonly [name: string, type: string];`;

export function modelFieldsModule(spec: Spec): string {
  const fields: Record<string, string[][]> = {};
  for (const name of Object.keys(spec.models).sort()) {
    fields[name] = spec.models[name]!.attributes.map((a) => [a.name, a.type]);
  }
  return file(
    HEADER,
    FIELD_TYPE,
    [doc(`The fields of each model (${Object.keys(fields).length}), by model name.`), declaration('export const modelFields: Readonly<Record<string, readonly ModelField[]>> = ', fields)].join('\n'),
  );
}
