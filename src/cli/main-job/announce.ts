/**
 * What the main job (`npm start`) says on stderr before it starts when `FILESCOM_API_KEY` is
 * set: that it reads the real account at `baseUrl`, what it writes where, and how to run it
 * against the local emulator instead. The key itself is never shown (not even if it were part
 * of `baseUrl`).
 */
export function realAccountNotice(baseUrl: string, apiKey: string): string {
  const shown = apiKey ? baseUrl.split(apiKey).join('***') : baseUrl;
  return [
    `files-stream main job: FILESCOM_API_KEY is set: exporting the real account at ${shown} (read only: its users, its folder tree and 30 days of action logs, into out/)`,
    'files-stream main job: to run it against the local emulator instead, unset FILESCOM_API_KEY (or run FILESCOM_API_KEY= npm start)',
  ].join('\n');
}
