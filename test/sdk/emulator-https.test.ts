// The emulator's HTTPS front end (issue #21): `emulator.listen({ tls: { key, cert } })`, and
// `files-stream emulator --https`, which makes a self-signed certificate with openssl and
// prints its path as NODE_EXTRA_CA_CERTS. The official JS SDK's downloads need it: its
// `downloadToFile` fetches the `download_uri` with Node's `https.get` (see
// official-js-sdk.test.ts, which runs the SDK against it).
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate, type SelfSignedCertificate } from '../../src/cli/commands/emulator.js';
import { createEmulator, type EmulatorServer } from '../../src/testing/index.js';
import { startBin } from '../helpers/child-process.js';
import { API_PATH } from '../helpers/emulator.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

/** A GET over HTTPS trusting `ca` (or nothing but Node's roots when `ca` is undefined). */
function get(url: string, ca: string | undefined, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('emulator.listen({ tls: { key, cert } })', () => {
  let dir: TempDir;
  let certificate: SelfSignedCertificate;
  let server: EmulatorServer;
  const emulator = createEmulator({ seed: 5, users: 4, files: 12 });

  beforeAll(async () => {
    dir = await tempDir('files-stream-tls-');
    certificate = await selfSignedCertificate(dir.path);
    server = await emulator.listen({ tls: certificate });
  });
  afterAll(async () => {
    await server?.close();
    await dir?.remove();
  });

  it('serves the API over HTTPS on 127.0.0.1 (baseUrl https://)', async () => {
    expect(server.baseUrl).toBe(`https://127.0.0.1:${server.port}`);
    const res = await get(`${server.baseUrl}${API_PATH}/users`, certificate.cert, { 'X-FilesAPI-Key': emulator.apiKey });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString('utf8'))).toHaveLength(4);
  });

  it('the certificate names localhost too', async () => {
    const res = await get(`https://localhost:${server.port}${API_PATH}/users`, certificate.cert, { 'X-FilesAPI-Key': emulator.apiKey });
    expect(res.status).toBe(200);
  });

  it('presigned download URLs are https:// URLs of the same origin, and serve the bytes', async () => {
    const listing = JSON.parse((await get(`${server.baseUrl}${API_PATH}/folders/`, certificate.cert, { 'X-FilesAPI-Key': emulator.apiKey })).body.toString('utf8')) as { path: string; type: string; size: number }[];
    const file = listing.find((f) => f.type === 'file')!;
    const res = await get(`${server.baseUrl}${API_PATH}/files/${encodeURIComponent(file.path)}`, certificate.cert, { 'X-FilesAPI-Key': emulator.apiKey });
    const uri = (JSON.parse(res.body.toString('utf8')) as { download_uri: string }).download_uri;
    expect(uri.startsWith(`${server.baseUrl}/`)).toBe(true);
    const bytes = await get(uri, certificate.cert);
    expect(bytes.status).toBe(200);
    expect(bytes.body.length).toBe(file.size);
  });

  it('a client that does not trust the certificate is refused by TLS', async () => {
    const error = (await get(`${server.baseUrl}${API_PATH}/users`, undefined).then(
      () => undefined,
      (e: unknown) => e,
    )) as NodeJS.ErrnoException | undefined;
    expect(error?.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
  });
});

describe('files-stream emulator --https', () => {
  it('prints an https FILESCOM_BASE_URL and NODE_EXTRA_CA_CERTS (the certificate to trust), serves HTTPS, and removes the certificate on SIGTERM', async () => {
    const child = startBin(['emulator', '--https', '--port', '0', '--users', '3', '--files', '5']);
    const values: Record<string, string> = {};
    for await (const line of createInterface({ input: child.process.stdout! })) {
      const at = line.indexOf('=');
      values[line.slice(0, at)] = line.slice(at + 1);
      if (Object.keys(values).length === 3) break;
    }
    try {
      expect(Object.keys(values)).toEqual(['FILESCOM_BASE_URL', 'FILESCOM_API_KEY', 'NODE_EXTRA_CA_CERTS']);
      expect(values.FILESCOM_BASE_URL).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const ca = readFileSync(values.NODE_EXTRA_CA_CERTS!, 'utf8');
      expect(ca).toContain('BEGIN CERTIFICATE');
      const res = await get(`${values.FILESCOM_BASE_URL}${API_PATH}/users`, ca, { 'X-FilesAPI-Key': values.FILESCOM_API_KEY! });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body.toString('utf8'))).toHaveLength(3);
    } finally {
      child.process.kill('SIGTERM');
    }
    const result = await child.done;
    expect(result, JSON.stringify(result)).toMatchObject({ code: 0 });
    expect(existsSync(values.NODE_EXTRA_CA_CERTS!)).toBe(false);
  });
});
