// Module resolution hooks for the tests' child processes (registered by
// library-build-register.mjs): `files-stream` and `files-stream/<entry>` resolve to the test
// run's build of the library, as they resolve to the package's dist/ for its users.
import { pathToFileURL } from 'node:url';

/** The build's package.json (beside its dist/): its `exports` resolve the package's own name. */
let packageJson;

export function initialize(data) {
  packageJson = pathToFileURL(data.packageJson).href;
}

export function resolve(specifier, context, next) {
  if (specifier === 'files-stream' || specifier.startsWith('files-stream/')) {
    // Resolved from inside the build, as a self-reference: its exports map, without the
    // sources' condition.
    const conditions = context.conditions.filter((condition) => condition !== 'files-stream-source');
    return next(specifier, { ...context, conditions, parentURL: packageJson });
  }
  return next(specifier, context);
}
