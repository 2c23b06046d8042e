// FILES_STREAM_DEBUG in a child process (the variable as a user sets it, stderr as a user sees
// it). In the slow project: each test starts node, importing this test run's build of the
// library (or its sources through tsx, without one). The in-process tests of the logger are
// in logger.test.ts.
import { describe, expect, it } from 'vitest';
import { libraryBuild, libraryUrl, startNode, type ChildResult } from '../helpers/child-process.js';

const KEY = 'sk-logger-test-5f2c9a17';
const API = 'https://app.files.com/api/rest/v1';

/** Durations vary: `in 12 ms` / `after 3 ms` become `in N ms` / `after N ms`; waits are kept. */
const normalize = (lines: string[]) => lines.map((l) => l.replace(/ (in|after) \d+ ms$/, ' $1 N ms'));

describe('FILES_STREAM_DEBUG, in a child process', () => {
  /** Runs a script that lists 3 users (one 503 retried) in a child node; its exit code and output. */
  function runChild(env: Record<string, string | undefined>): Promise<ChildResult> {
    const script = `
      import { createClient } from ${JSON.stringify(libraryUrl('index'))};
      import { createEmulator } from ${JSON.stringify(libraryUrl('testing/index'))};
      const emulator = createEmulator({ apiKey: ${JSON.stringify(KEY)}, users: 3 });
      let first = true;
      const fetch = async (input, init) => {
        if (first) { first = false; return new Response('{}', { status: 503, headers: { 'retry-after': '0' } }); }
        return emulator.fetch(input, init);
      };
      const users = await createClient({ apiKey: ${JSON.stringify(KEY)}, fetch }).users.list({ per_page: 2 }).toArray();
      console.log('listed', users.length);
    `;
    // The outer FILES_STREAM_DEBUG never reaches the child: only the test's own (or none).
    const tsx = libraryBuild ? [] : ['--import', 'tsx'];
    return startNode([...tsx, '--input-type=module', '-e', script], { env: { FILES_STREAM_DEBUG: undefined, ...env } }).done;
  }

  it('FILES_STREAM_DEBUG=1 writes the log to stderr, each line prefixed files-stream:', async () => {
    const { code, stdout, stderr } = await runChild({ FILES_STREAM_DEBUG: '1' });
    expect(code).toBe(0);
    expect(stdout).toBe('listed 3\n');
    const lines = normalize(stderr.trimEnd().split('\n'));
    expect(lines).toHaveLength(7);
    for (const line of lines) expect(line).toMatch(/^files-stream: users\.list GET https:\/\/app\.files\.com\/api\/rest\/v1\/users\?per_page=2/);
    expect(lines[0]).toBe(`files-stream: users.list GET ${API}/users?per_page=2`);
    expect(lines[2]).toBe(`files-stream: users.list GET ${API}/users?per_page=2: retry 1/5 in 0 ms after 503`);
    expect(stderr).not.toContain(KEY);
  });

  it('nothing is written without it (nor with FILES_STREAM_DEBUG=0)', async () => {
    const runs = await Promise.all([undefined, '0'].map((value) => runChild({ FILES_STREAM_DEBUG: value })));
    for (const { code, stdout, stderr } of runs) {
      expect(code).toBe(0);
      expect(stdout).toBe('listed 3\n');
      expect(stderr).toBe('');
    }
  });

});
