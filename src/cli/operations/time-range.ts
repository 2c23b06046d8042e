import { timeRangeOf, type OperationSpec } from '../../extend.js';
import type { ApiOperationInfo } from '../../extend.js';
import { exportableOperations, operationName } from './catalog.js';
import { specOf } from './spec-of.js';

/**
 * True when `export --since` can list the operation by time: it takes a `created_at` range,
 * `filter_gteq[created_at]` with `filter_lt` (or `filter_lteq`), or `start_at` / `end_at`
 * (the library's `timeRangeOf`, read from the spec's parameters, not a hand list).
 */
export function takesTimeRange(spec: OperationSpec): boolean {
  return timeRangeOf(spec) !== undefined;
}

/** The exportable operations `export --since` takes (33 of the 122: logs, history, ...), in spec order. */
export function timeRangedOperations(): readonly ApiOperationInfo[] {
  return exportableOperations().filter((info) => takesTimeRange(specOf(info)));
}

/** The CLI names of a few well-known time-ranged operations, named first in messages. */
const KNOWN = ['actionLogs', 'history', 'apiRequestLogs', 'sftpActionLogs', 'syncLogs'];

/**
 * A phrase naming the operations `--since` takes, for a usage error:
 * `actionLogs, history, apiRequestLogs, sftpActionLogs, syncLogs and 28 more (files-stream operations marks them [--since])`.
 */
export function timeRangedOperationsPhrase(): string {
  const names = timeRangedOperations().map(operationName);
  const shown = [...KNOWN.filter((n) => names.includes(n)), ...names.filter((n) => !KNOWN.includes(n))].slice(0, KNOWN.length);
  return `${shown.join(', ')} and ${names.length - shown.length} more (files-stream operations marks them [--since])`;
}
