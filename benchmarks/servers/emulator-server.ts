/**
 * The emulator's HTTP front end in its own process, for benchmarks: options as JSON in
 * BENCH_EMULATOR_OPTIONS; prints `{ baseUrl, apiKey }` once listening; stops on SIGTERM.
 */
import { createEmulator } from 'files-stream/testing';

const options = JSON.parse(process.env.BENCH_EMULATOR_OPTIONS ?? '{}') as Parameters<typeof createEmulator>[0];
const emulator = createEmulator({ requestLogLimit: 0, ...options });
const server = await emulator.listen({ port: 0 });
console.log(JSON.stringify({ baseUrl: server.baseUrl, apiKey: options?.apiKey ?? 'emulatorkey' }));
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
