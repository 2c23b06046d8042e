/**
 * `files-stream/testing`: a local Files.com emulator (stateful, cursor-paginated, with
 * fault injection) for tests and benchmarks, in-process (msw, `fetch`, `handle`) or over
 * HTTP (`listen`).
 * @packageDocumentation
 */
export { createEmulator, type Emulator } from './emulator.js';
export type { EmulatorOptions, FileSizeOptions, ResolvedOptions } from './options.js';
export type { BurstLayout, TimeLayout, Timeline } from './data/timeline.js';
export type { FaultKind, FaultOptions } from './server/faults.js';
export type { EmulatorStats, RequestKind, RequestLogEntry } from './server/request-log.js';
export type { EmulatorServer, ListenOptions, ListenTlsOptions } from './server/node-server.js';
