import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { downloadUriExpiry, isDownloadUriExpired } from '../../src/download/download-uri.js';

interface UrlVectors {
  substitute_urls: string[];
  error_urls: string[];
}

const conformanceDir = fileURLToPath(new URL('../../../shared/conformance/', import.meta.url));
const vectorsFile = join(conformanceDir, 'url_test_data.json');
const vectors: UrlVectors = existsSync(vectorsFile)
  ? JSON.parse(readFileSync(vectorsFile, 'utf8'))
  : { substitute_urls: [], error_urls: [] };

const now = new Date('2024-05-06T07:08:09.500Z');

/** `YYYYMMDDTHHMMSSZ`, the compact ISO 8601 form the vectors' `%s` dates take. */
function compact(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function secondsFromNow(seconds: number): Date {
  return new Date(now.getTime() + seconds * 1000);
}

/**
 * Fills a substitute URL. S3 and GCS have two `%s`: the signing date, then the lifetime in
 * seconds. Azure has one, inside `sp=se=%s`: `se` is the expiry instant itself (the
 * official Go SDK's `downloadurl` test fills it with now + 3 min, in this same compact
 * form), so it gets date + lifetime.
 */
function fill(template: string, signedAt: Date, lifetimeSeconds: number): string {
  const slots = template.split('%s').length - 1;
  if (slots === 2) {
    return template.replace('%s', compact(signedAt)).replace('%s', String(lifetimeSeconds));
  }
  expect(slots).toBe(1);
  return template.replace('%s', compact(new Date(signedAt.getTime() + lifetimeSeconds * 1000)));
}

describe.skipIf(!existsSync(conformanceDir))(
  'url_test_data.json (skipped: ../shared/conformance not found)',
  () => {
    it('holds 3 substitute URLs and 9 error URLs', () => {
      expect(vectors.substitute_urls).toHaveLength(3);
      expect(vectors.error_urls).toHaveLength(9);
    });

    it.each(vectors.substitute_urls)('dated now+60 s, valid 180 s: not expired: %s', (template) => {
      const uri = fill(template, secondsFromNow(60), 180);
      expect(downloadUriExpiry(uri)).toEqual(new Date(compactSeconds(secondsFromNow(240))));
      expect(isDownloadUriExpired(uri, now)).toBe(false);
    });

    it.each(vectors.substitute_urls)('dated now-180 s, valid 60 s: expired: %s', (template) => {
      const uri = fill(template, secondsFromNow(-180), 60);
      expect(downloadUriExpiry(uri)).toEqual(new Date(compactSeconds(secondsFromNow(-120))));
      expect(isDownloadUriExpired(uri, now)).toBe(true);
    });

    it.each(vectors.substitute_urls)('honours the margin: %s', (template) => {
      const uri = fill(template, secondsFromNow(60), 180); // expires at now + 240 s (to the second)
      expect(isDownloadUriExpired(uri, now, 200)).toBe(false);
      expect(isDownloadUriExpired(uri, now, 300)).toBe(true);
    });

    it.each(vectors.substitute_urls)('uses the current time by default: %s', (template) => {
      const fresh = fill(template, new Date(Date.now() + 60_000), 180);
      const stale = fill(template, new Date(Date.now() - 180_000), 60);
      expect(isDownloadUriExpired(fresh)).toBe(false);
      expect(isDownloadUriExpired(stale)).toBe(true);
    });

    it.each(vectors.error_urls)('malformed, never expired, never throws: %s', (uri) => {
      expect(() => isDownloadUriExpired(uri, now)).not.toThrow();
      expect(downloadUriExpiry(uri)).toBeUndefined();
      expect(isDownloadUriExpired(uri, now)).toBe(false);
      expect(isDownloadUriExpired(uri, new Date('2100-01-01T00:00:00Z'), 3600)).toBe(false);
    });
  },
);

/** `date` truncated to the second, as the compact form carries it. */
function compactSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000) * 1000;
}

describe('isDownloadUriExpired beyond the vectors', () => {
  const s3 = 'https://bucket.s3.amazonaws.com/k?X-Amz-Date=20240506T070000Z&X-Amz-Expires=600';

  it('reads a real-looking S3 URL and compares to the second', () => {
    expect(downloadUriExpiry(`${s3}&X-Amz-Signature=abc#frag`)).toEqual(
      new Date('2024-05-06T07:10:00Z'),
    );
    expect(isDownloadUriExpired(s3, new Date('2024-05-06T07:09:59.999Z'))).toBe(false);
    expect(isDownloadUriExpired(s3, new Date('2024-05-06T07:10:00Z'))).toBe(true);
  });

  it('matches parameter names case-insensitively (gsutil writes them in lower case)', () => {
    const gcs = 'https://storage.googleapis.com/b/o?x-goog-date=20240506T070000Z&x-goog-expires=60';
    expect(downloadUriExpiry(gcs)).toEqual(new Date('2024-05-06T07:01:00Z'));
  });

  it('reads a real Azure SAS, whose se is its own parameter in extended ISO 8601', () => {
    const sas =
      'https://acct.blob.core.windows.net/c/b.txt?sp=r&st=2024-05-06T06:00:00Z&se=2024-05-06T08%3A00%3A00Z&sv=2022-11-02&sr=b&sig=x%2By';
    expect(downloadUriExpiry(sas)).toEqual(new Date('2024-05-06T08:00:00Z'));
    expect(isDownloadUriExpired(sas, now)).toBe(false);
    expect(isDownloadUriExpired(sas, new Date('2024-05-06T09:00:00Z'))).toBe(true);
  });

  it.each([
    'https://example.files.com/download/abc',
    'https://example.com/x?jwt=abc',
    'not a url at all',
    '',
    'https://s3.amazonaws.com/k?X-Amz-Date=20240230T000000Z&X-Amz-Expires=60',
    'https://s3.amazonaws.com/k?X-Amz-Date=20240101T250000Z&X-Amz-Expires=60',
    'https://s3.amazonaws.com/k?X-Amz-Date=20240101T000000Z&X-Amz-Expires=-5',
    'https://s3.amazonaws.com/k?X-Amz-Date=20240101T000000Z&X-Amz-Expires=1e3',
    'https://s3.amazonaws.com/k?X-Amz-Date=20240101T000000Z&x-amz-date=20240101T000000Z&X-Amz-Expires=60',
    'https://s3.amazonaws.com/k?X-Amz-Expires=60',
    'https://s3.amazonaws.com/k?X-Amz-Date=%E0%A4%A&X-Amz-Expires=60',
    'https://acct.blob.core.windows.net/c/b?se=yesterday',
    'https://acct.blob.core.windows.net/c/b?se=2024-01-01T00:00:00Z&se=2024-01-02T00:00:00Z',
    'https://acct.blob.core.windows.net/c/b?sp=se=20240101T000000Z&se=2024-01-01T00:00:00Z',
  ])('unknown expiry, so not expired: %j', (uri) => {
    expect(downloadUriExpiry(uri)).toBeUndefined();
    expect(isDownloadUriExpired(uri, new Date('2100-01-01T00:00:00Z'))).toBe(false);
  });
});
