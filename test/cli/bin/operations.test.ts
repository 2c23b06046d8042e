import { describe, expect, it } from 'vitest';
import { runBin } from '../../helpers/child-process.js';
import { parseNdjson } from '../../helpers/parse-output.js';

describe('files-stream operations', () => {
  it('lists all 419 operations and marks the 122 exportable ones', async () => {
    const [text, json] = await Promise.all([runBin(['operations']), runBin(['operations', '--json'])]);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(419);
    expect(lines.filter((l) => l.startsWith('* '))).toHaveLength(122);
    expect(lines).toContainEqual(expect.stringMatching(/^\* users\s+GET\s+\/users$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\* history\.listForFolder <path>\s+GET/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}users\.find <id>\s+GET\s+\/users\/\{id\}$/));

    const entries = parseNdjson<{ name: string; exportable: boolean }>(json.stdout);
    expect(entries).toHaveLength(419);
    expect(entries.filter((e) => e.exportable)).toHaveLength(122);
    expect(new Set(entries.map((e) => e.name)).size).toBe(419);
  });
});
