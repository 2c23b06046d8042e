import { joinRawJson, type EncoderState, type RecordEncoder } from './encoder.js';
import { selectFields } from './select-fields.js';

/**
 * JSON: one valid JSON array, streamed: `[` before the first record, `,` between records,
 * `]` at the end (`[]` for no records). One record per line inside the array: without
 * `fields`, its JSON text as the server sent it, when the listing kept it.
 */
export function jsonArrayEncoder(fields: readonly string[] | undefined, resume?: EncoderState): RecordEncoder {
  let records = resume?.records ?? 0;
  return {
    page(items) {
      const raw = fields ? undefined : joinRawJson(items, records === 0 ? '[\n' : ',\n', ',\n', '');
      if (raw) {
        records += items.length;
        return raw;
      }
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
