import type { ListCallOptions } from '../../api/context.js';
import type { FilesClient } from '../../client/create-client.js';
import type { ApiOperationInfo } from '../../generated/manifest.js';
import type { Paginated } from '../../pagination/paginated.js';

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
