import { joinRawJson, type EncoderState, type RecordEncoder } from './encoder.js';
import { selectFields } from './select-fields.js';

/**
 * NDJSON: one JSON record per line. With `fields`, each line holds just those fields;
 * without, each line is the record's JSON text as the server sent it, when the listing kept it.
 */
export function ndjsonEncoder(fields: readonly string[] | undefined, resume?: EncoderState): RecordEncoder {
  let records = resume?.records ?? 0;
  return {
    page(items) {
      records += items.length;
      const raw = fields ? undefined : joinRawJson(items, '', '\n', '\n');
      if (raw) return raw;
      let text = '';
      for (const item of items) text += `${JSON.stringify(fields ? selectFields(item, fields) : item)}\n`;
      return text;
    },
    end: () => '',
    state: () => ({ records }),
  };
}
