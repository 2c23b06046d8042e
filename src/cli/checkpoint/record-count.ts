import { csvLine } from '../format/csv-line.js';
import { neutraliseFormula } from '../format/formula-guard.js';
import type { Checkpoint } from './checkpoint.js';
import { counted } from '../output/counted.js';

const LF = 0x0a;
const QUOTE = 0x22;
/** How much of the output's first line a message shows. */
const SHOWN = 200;

/** Counts what the bytes a checkpoint covers hold, chunk by chunk, beside their hash. */
export interface RecordCounter {
  /** The next bytes of the output, in order from its start. */
  update(chunk: Uint8Array): void;
  /**
   * After the last chunk: what the bytes contradict in the checkpoint, naming the field
   * (`field records is 3000, but the 1048 bytes it covers hold 2001 records`), else `undefined`.
   */
  mismatch(): string | undefined;
}

/**
 * A counter of the records in an output of the checkpoint's format, as its encoder writes
 * them: NDJSON one record a line; JSON `[`, then the records one a line joined by `,`, and
 * `]` once done (`[]` for none); CSV a header row (when there are columns), then one row a
 * record, where a quoted cell may hold line breaks. For CSV the header row is also compared
 * with the checkpoint's `columns`, for JSON the closing bracket with `done`. Constant memory,
 * one pass: a line break inside a JSON record is always escaped, a byte of a multi-byte UTF-8
 * character is never a quote or a line feed.
 */
export function countRecords(checkpoint: Checkpoint): RecordCounter {
  switch (checkpoint.export.format) {
    case 'ndjson':
      return lineCounter(checkpoint, (lines) => lines);
    case 'json':
      return jsonCounter(checkpoint);
    case 'csv':
      return csvCounter(checkpoint);
  }
}

/** What a count contradicting `records` says. */
function recordsMismatch(checkpoint: Checkpoint, found: number): string | undefined {
  if (found === checkpoint.records) return undefined;
  return `field records is ${checkpoint.records}, but the ${counted(checkpoint.bytes, 'byte')} it covers hold ${counted(found, 'record')}`;
}

/** Lines (a last one without its line feed included), the last bytes, and the first line (for messages). */
class Lines {
  newlines = 0;
  bytes = 0;
  /** The last three bytes, oldest first. */
  tail: number[] = [];
  firstLine = '';
  #firstDone = false;

  update(chunk: Uint8Array): void {
    if (!this.#firstDone) this.#first(chunk);
    for (let at = chunk.indexOf(LF); at !== -1; at = chunk.indexOf(LF, at + 1)) this.newlines++;
    for (let i = Math.max(0, chunk.length - 3); i < chunk.length; i++) this.tail.push(chunk[i]!);
    if (this.tail.length > 3) this.tail.splice(0, this.tail.length - 3);
    this.bytes += chunk.length;
  }

  get lines(): number {
    return this.newlines + (this.bytes > 0 && this.tail.at(-1) !== LF ? 1 : 0);
  }

  endsWith(text: string): boolean {
    return this.tail.length >= text.length && Buffer.from(this.tail.slice(-text.length)).toString('latin1') === text;
  }

  #first(chunk: Uint8Array): void {
    const end = chunk.indexOf(LF);
    const take = Math.min(end === -1 ? chunk.length : end, SHOWN - this.firstLine.length);
    this.firstLine += Buffer.from(chunk.buffer, chunk.byteOffset, take).toString('utf8');
    if (end !== -1 || this.firstLine.length >= SHOWN) this.#firstDone = true;
  }
}

function lineCounter(checkpoint: Checkpoint, records: (lines: number) => number): RecordCounter {
  const lines = new Lines();
  return {
    update: (chunk) => lines.update(chunk),
    mismatch: () => recordsMismatch(checkpoint, records(lines.lines)),
  };
}

function jsonCounter(checkpoint: Checkpoint): RecordCounter {
  const lines = new Lines();
  return {
    update: (chunk) => lines.update(chunk),
    mismatch() {
      const empty = lines.bytes === 3 && lines.endsWith('[]\n');
      const closed = empty || lines.endsWith('\n]\n');
      if (closed !== checkpoint.done) {
        return `field done is ${checkpoint.done}, but the output's JSON array is ${closed ? 'closed' : 'not closed'}`;
      }
      // `[` on its own line, then a record a line, then `]` when closed.
      const found = empty || lines.lines <= 1 ? 0 : lines.lines - 1 - (closed ? 1 : 0);
      return recordsMismatch(checkpoint, found);
    },
  };
}

function csvCounter(checkpoint: Checkpoint): RecordCounter {
  const { columns } = checkpoint;
  const raw = checkpoint.export.csvRaw === true;
  const header = Buffer.from(columns?.length ? csvLine(raw ? columns : columns.map(neutraliseFormula)) : '', 'utf8');
  const start = Buffer.alloc(header.length);
  const first = new Lines();
  let seen = 0;
  let rows = 0;
  let quoted = false;
  let last = LF;
  return {
    update(chunk) {
      if (seen < start.length) Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).copy(start, seen, 0, Math.min(chunk.length, start.length - seen));
      if (first.bytes < SHOWN) first.update(chunk.subarray(0, SHOWN - first.bytes));
      // A quote toggles quoting (a doubled one toggles twice); a line feed outside quotes ends a row.
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i]!;
        if (byte === QUOTE) quoted = !quoted;
        else if (byte === LF && !quoted) rows++;
      }
      if (chunk.length > 0) last = chunk[chunk.length - 1]!;
      seen += chunk.length;
    },
    mismatch() {
      if (seen === 0) return recordsMismatch(checkpoint, 0);
      if (header.length > 0 && (seen < header.length || !start.equals(header))) {
        return `field columns is ${columns!.join(',')}, but the output's header is ${first.firstLine}`;
      }
      const all = rows + (quoted || last !== LF ? 1 : 0);
      return recordsMismatch(checkpoint, all - (header.length > 0 ? 1 : 0));
    },
  };
}
