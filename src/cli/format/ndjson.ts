import type { EncoderState, RecordEncoder } from './encoder.js';
import { selectFields } from './select-fields.js';

/** NDJSON: one JSON record per line. With `fields`, each line holds just those fields. */
export function ndjsonEncoder(fields: readonly string[] | undefined, resume?: EncoderState): RecordEncoder {
  let records = resume?.records ?? 0;
  return {
    page(items) {
      let text = '';
      for (const item of items) text += `${JSON.stringify(fields ? selectFields(item, fields) : item)}\n`;
      records += items.length;
      return text;
    },
    end: () => '',
    state: () => ({ records }),
  };
}
