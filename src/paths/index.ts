// Platform-neutral path rules. The local-file-system helpers (`resolveInside`, `findSymlink`,
// `makeFolderInside`) are in `./node/local.js`, which needs Node, and deliberately not re-exported here.
export { endsInWhiteSpace, normalizePath, pathsEqual, toComparable, transliterateLatin } from './normalize.js';
export { relativeRemotePath, safeRelativePath, unsafePathReason } from './remote.js';
