import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Reports the size of the temporary file `client.files.downloadToFile` writes beside `dest`
 * (`.<name>.<random>.download`, renamed over `dest` at the end), every `intervalMs`: the
 * bytes downloaded so far, for a progress line, without touching the download itself (its
 * `fetch`, proxy and checks stay the library's). A whole-file retry starts a new temporary
 * file; it is found again. Returns the function that stops watching.
 */
export function watchTempFile(dest: string, onBytes: (bytes: number) => void, intervalMs = 200): () => void {
  const folder = dirname(dest);
  const prefix = `.${basename(dest)}.`;
  // The library's naming (`tempPathFor` in src/download/node/temp-file.ts): 12 hex digits.
  const isTemp = (name: string): boolean => name.startsWith(prefix) && /^[0-9a-f]{12}\.download$/.test(name.slice(prefix.length));
  let temp: string | undefined;
  let busy = false;
  const tick = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      if (temp === undefined) {
        const names = await readdir(folder).catch(() => [] as string[]);
        const found = names.find(isTemp);
        if (found) temp = join(folder, found);
      }
      if (temp !== undefined) {
        const info = await stat(temp).catch(() => undefined);
        if (info) onBytes(info.size);
        else temp = undefined; // renamed into place, or removed before a retry
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
