import type { ListCallOptions } from '../../index.js';
import type { FilesClient } from '../../index.js';
import type { ApiOperationInfo } from '../../extend.js';
import type { Paginated } from '../../index.js';

type ListMethod = (...args: unknown[]) => Paginated<unknown>;

/**
 * Calls a paginated operation's client method (`client.history.listForFolder(path, params,
 * options)`) by its manifest entry. The client checks the arguments now, before anything is
 * sent, and throws `InvalidParameterError` for a bad one; the listing itself is lazy.
 */
export function openListing(
  client: FilesClient,
  info: ApiOperationInfo,
  pathArgs: readonly unknown[],
  params: Record<string, unknown>,
  options: ListCallOptions,
): Paginated<unknown> {
  const namespace = (client as unknown as Record<string, Record<string, ListMethod>>)[info.namespace]!;
  return namespace[info.method]!.call(namespace, ...pathArgs, params, options);
}
