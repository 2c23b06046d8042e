import { createClient, type FilesClient } from '../../../src/index.js';
import { createEmulator, type Emulator, type EmulatorOptions, type EmulatorServer } from '../../../src/testing/index.js';

/** An emulator served over HTTP from the test process, with the environment pointing at it. */
export interface HttpEmulator {
  readonly emulator: Emulator;
  readonly server: EmulatorServer;
  /** `FILESCOM_BASE_URL` and `FILESCOM_API_KEY` for a child process. */
  readonly env: { FILESCOM_BASE_URL: string; FILESCOM_API_KEY: string };
  /** A client of the emulator, for setting up data and checking results. */
  readonly client: FilesClient;
  close(): Promise<void>;
}

/** Creates an emulator and listens on a free port of 127.0.0.1. */
export async function startHttpEmulator(options: EmulatorOptions = {}): Promise<HttpEmulator> {
  const emulator = createEmulator({ seed: 7, ...options });
  const server = await emulator.listen({ port: 0 });
  const env = { FILESCOM_BASE_URL: server.baseUrl, FILESCOM_API_KEY: emulator.apiKey };
  const client = createClient({ apiKey: emulator.apiKey, baseUrl: server.baseUrl });
  return { emulator, server, env, client, close: () => server.close() };
}
