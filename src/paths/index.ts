// Platform-neutral path helpers. The local-file-system helpers (`resolveInside`, `findSymlink`,
// `makeFolderInside`) are in `./local.js`, which needs Node, and deliberately not re-exported here.
export { normalizePath, pathsEqual, toComparable } from './normalize.js';
export { relativeRemotePath } from './relative-remote-path.js';
export { transliterateLatin } from './transliterate.js';
export { UnsafePathError, type UnsafePathErrorOptions, type UnsafePathReason } from './unsafe-path-error.js';
export { unsafePathReason } from './unsafe-path-reason.js';
