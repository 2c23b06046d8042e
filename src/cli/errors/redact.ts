/** Shorter values are not treated as secrets (a one-letter test key would mangle every word). */
const MIN_SECRET_LENGTH = 6;

/** Replaces every occurrence of each secret in `text` with `***`. Empty and very short values are ignored. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join('***');
  return out;
}
