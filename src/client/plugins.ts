/**
 * Hand-written helpers attach to the generated namespaces as plugins, in Octokit's shape: a
 * plugin is a function from the client to the methods it adds, by namespace
 * (`{ files: { upload } }`). The client's type is derived from the plugins, so a helper is
 * declared once, where it is written.
 */
import type { ApiContext } from '../api/context.js';
import type { RequestCore } from '../core/types.js';
import { downloadPlugin } from '../download/download.js';
import type { ApiNamespaces } from '../generated/namespaces.js';
import { fileMigrationsPlugin } from '../migrations/wait.js';
import { uploadPlugin } from '../upload/upload.js';
import { walkPlugin } from '../walk/walk.js';

/** What a plugin gets: the request core, the API context and the generated namespaces (built on first use). */
export type PluginHost = ApiNamespaces & { readonly core: RequestCore; readonly api: ApiContext };

/** A plugin: the methods it adds to some namespaces of a client. Called once per client; cheap. */
export type Plugin = (client: PluginHost) => { readonly [K in keyof ApiNamespaces]?: object };

/** The plugins every client has. */
export const builtinPlugins = [downloadPlugin, uploadPlugin, walkPlugin, fileMigrationsPlugin] as const;

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** What the built-in plugins add, by namespace. */
type Added = UnionToIntersection<ReturnType<(typeof builtinPlugins)[number]>>;

/** The namespaces of a client: the generated ones, with the plugins' methods merged in. */
export type PluggedNamespaces = {
  readonly [K in keyof ApiNamespaces]: K extends keyof Added ? ApiNamespaces[K] & Added[K] : ApiNamespaces[K];
};

/**
 * Merges what `plugins` add into the namespaces of `client` (whose namespaces are lazy
 * getters): each extended namespace stays lazy, built once on first access as the generated
 * operations plus the plugins' methods.
 */
export function applyPlugins(client: PluginHost, plugins: readonly Plugin[]): void {
  const added = new Map<string, object[]>();
  for (const plugin of plugins) {
    for (const [name, methods] of Object.entries(plugin(client))) added.set(name, [...(added.get(name) ?? []), methods as object]);
  }
  for (const [name, extra] of added) {
    const original = Object.getOwnPropertyDescriptor(client, name);
    const generated = (): object => (original?.get ? original.get.call(client) : original?.value) as object;
    let value: object | undefined;
    Object.defineProperty(client, name, {
      configurable: true,
      enumerable: true,
      get: () => (value ??= Object.assign({}, generated(), ...extra)),
    });
  }
}
