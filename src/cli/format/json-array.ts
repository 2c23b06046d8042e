import type { EncoderState, RecordEncoder } from './encoder.js';
import { selectFields } from './select-fields.js';

/**
 * JSON: one valid JSON array, streamed: `[` before the first record, `,` between records,
 * `]` at the end (`[]` for no records). One record per line inside the array.
 */
export function jsonArrayEncoder(fields: readonly string[] | undefined, resume?: EncoderState): RecordEncoder {
  let records = resume?.records ?? 0;
  return {
    page(items) {
      let text = '';
      for (const item of items) {
        text += `${records === 0 ? '[\n' : ',\n'}${JSON.stringify(fields ? selectFields(item, fields) : item)}`;
        records++;
      }
      return text;
    },
    end: () => (records === 0 ? '[]\n' : '\n]\n'),
    state: () => ({ records }),
  };
}
