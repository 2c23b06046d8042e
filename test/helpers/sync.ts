// Sync destinations for tests: a crash at a chosen point, whatever the destination; a Parquet table's state.
import { parquet, type Destination, type DestinationSession, type SyncState } from '../../src/sync/index.js';

/** A destination whose session fails (as a crash would) once `method` has been called `calls` times. */
export function crashingAfter(inner: Destination, method: 'append' | 'stage', calls: number): Destination {
  return {
    ...inner,
    async open(options) {
      const session = await inner.open(options);
      let left = calls;
      return new Proxy(session, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver) as unknown;
          if (key === method) {
            return async (...args: unknown[]) => {
              if (left-- <= 0) throw new Error('crash');
              return (target[method] as (...a: unknown[]) => Promise<void>)(...args);
            };
          }
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      }) as DestinationSession;
    },
  };
}

/** A Parquet table's state, as `sync --status` reads it. */
export async function stateOf(dir: string, table: string): Promise<SyncState | undefined> {
  const session = await parquet(dir).open();
  try {
    return await session.readState(table);
  } finally {
    await session.close();
  }
}
