import { Collection } from '../collection.js';
import type { ListableCollection } from '../list-reply.js';
import type { ListCapabilities } from '../list-query.js';
import { SortedIndexes } from '../ordering.js';
import type { FieldDeriver, TemplateSource } from '../template.js';

/** Wraps a template source into a listable collection. */
export function listable(
  source: TemplateSource,
  capabilities: ListCapabilities,
  live: Record<string, FieldDeriver> = {},
  monotonicFields: readonly string[] = [],
): ListableCollection {
  const collection = new Collection(source, live);
  return { collection, indexes: new SortedIndexes(collection), capabilities, monotonicFields };
}
