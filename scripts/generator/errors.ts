/** `src/generated/error-types.ts`: the documented error families and types. */
import { declaration, file, HEADER } from './format.js';
import type { Spec } from './spec.js';

const FAMILY_OF = `const familySet: ReadonlySet<string> = new Set(errorFamilies);

/** The family of an error \`type\` (\`not-found/file-not-found\` → \`not-found\`), if it is known. */
export function errorFamilyOf(type: string): ErrorFamily | undefined {
  const family = type.split('/', 1)[0]!;
  return familySet.has(family) ? (family as ErrorFamily) : undefined;
}`;

export function errorTypesModule(spec: Spec): string {
  const families = spec.errorFamilies.map((f) => f.family);
  const types = spec.errors.map((e) => e.type);
  return file(
    HEADER,
    [
      '/** The eight Files.com error families (the part of `type` before the slash). */',
      declaration('export const errorFamilies = ', families, ' as const;'),
    ].join('\n'),
    '/** A Files.com error family. */\nexport type ErrorFamily = (typeof errorFamilies)[number];',
    [
      '/** Every error `type` the Files.com API documents (`family/name`). */',
      declaration('export const errorTypes = ', types, ' as const;'),
    ].join('\n'),
    '/** A documented Files.com error type. */\nexport type KnownErrorType = (typeof errorTypes)[number];',
    FAMILY_OF,
  );
}
