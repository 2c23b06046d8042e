// An emulator served over HTTPS with a self-signed certificate, and the official JS SDK
// (files.com) in a child process that trusts it (NODE_EXTRA_CA_CERTS), driven flow by flow
// over IPC: see official-js-sdk-worker.mjs.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { selfSignedCertificate } from '../../src/cli/commands/emulator.js';
import { createEmulator, type Emulator, type EmulatorOptions, type EmulatorServer } from '../../src/testing/index.js';
import { childEnv } from '../helpers/child-process.js';
import { API_PATH } from '../helpers/emulator.js';
import { repoRoot } from '../helpers/shared.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

/** An error thrown in the SDK's process, as official-js-sdk-worker.mjs describes it. */
export interface SdkError {
  /** `err.constructor.name`, e.g. `NotFound_FileNotFoundError`. */
  readonly className: string;
  /** Every class of files.com/lib/Errors.js the error is an instance of. */
  readonly instanceOf: string[];
  readonly message: string;
  /** The HTTP status (`FilesError.code`). */
  readonly code?: number;
  readonly httpCode?: number;
  readonly type?: string;
  readonly title?: string;
  readonly error?: string;
  readonly stack?: string;
}

/** A flow that failed in the SDK's process. */
export class SdkFlowError extends Error {
  constructor(
    readonly flow: string,
    readonly error: SdkError,
    stderr: string,
  ) {
    super(`${flow}: ${error.className}: ${error.message}${error.type ? ` (${error.type})` : ''}\n${error.stack ?? ''}${stderr ? `\nstderr of the SDK process:\n${stderr}` : ''}`);
    this.name = 'SdkFlowError';
  }
}

export interface SdkHarness {
  readonly emulator: Emulator;
  /** `https://127.0.0.1:{port}` (`http://` with `http: true`). */
  readonly baseUrl: string;
  /** A temporary folder for local files (removed by `close`). */
  readonly dir: string;
  /** The emulator's API, in this process (`emulator.fetch`, no socket), with its key. */
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  /** Every record of a listing, following cursors with `api`. */
  walk<T = Record<string, unknown>>(path: string, perPage?: number): Promise<T[]>;
  /** Runs a flow of official-js-sdk-worker.mjs in the SDK's process; rejects with an {@link SdkFlowError}. */
  run<T = unknown>(flow: string, args?: Record<string, unknown>): Promise<T>;
  /** Stops the SDK's process and the emulator, removes the temporary folder. */
  close(): Promise<void>;
}

const WORKER = join(repoRoot, 'test', 'sdk', 'official-js-sdk-worker.mjs');

/** Longest a flow may take (the test timeout is 30 s). */
const FLOW_TIMEOUT_MS = 20_000;

/** Starts an HTTPS emulator (plain HTTP with `http: true`) with `options` and the SDK's process. */
export async function startSdkHarness(options: EmulatorOptions & { readonly http?: boolean } = {}): Promise<SdkHarness> {
  const temp: TempDir = await tempDir('files-stream-sdk-');
  let server: EmulatorServer | undefined;
  let child: ChildProcess | undefined;
  try {
    const { http, ...emulatorOptions } = options;
    const tls = http ? undefined : await selfSignedCertificate(temp.path);
    const emulator = createEmulator(emulatorOptions);
    server = await emulator.listen(tls ? { tls } : {});
    const baseUrl = server.baseUrl;
    child = fork(WORKER, [], {
      cwd: repoRoot,
      env: childEnv({ ...(tls ? { NODE_EXTRA_CA_CERTS: tls.certPath } : {}), FILESCOM_BASE_URL: baseUrl, FILESCOM_API_KEY: emulator.apiKey }),
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; flow: string }>();
    const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
    const ready = new Promise<void>((resolve, reject) => {
      child!.once('error', reject);
      child!.once('exit', (code, signal) => reject(new Error(`the SDK process ended (${code ?? signal}) before it was ready:\n${stderr}`)));
      child!.on('message', (message: { ready?: boolean; id?: number; ok?: boolean; value?: unknown; error?: SdkError }) => {
        if (message.ready) return resolve();
        const call = pending.get(message.id!);
        if (!call) return;
        pending.delete(message.id!);
        if (message.ok) call.resolve(message.value);
        else call.reject(new SdkFlowError(call.flow, message.error!, stderr));
      });
    });
    let ended: string | undefined;
    child.on('exit', (code, signal) => {
      ended = `the SDK process ended (${code ?? signal})`;
      for (const call of pending.values()) call.reject(new Error(`${call.flow}: ${ended}:\n${stderr}`));
      pending.clear();
    });
    await ready;

    let nextId = 0;
    const running = child;
    const run = <T>(flow: string, args: Record<string, unknown> = {}): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        if (ended) return reject(new Error(`${flow}: ${ended} before it:\n${stderr}`));
        const id = ++nextId;
        // A flow that never answers ends the process: the next flows then fail at once, not each after the test timeout.
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${flow}: no answer in ${FLOW_TIMEOUT_MS} ms; the SDK process is stopped:\n${stderr}`));
          running.kill('SIGKILL');
        }, FLOW_TIMEOUT_MS);
        const settle =
          <V>(done: (value: V) => void) =>
          (value: V): void => {
            clearTimeout(timer);
            done(value);
          };
        pending.set(id, { resolve: settle(resolve as (value: unknown) => void), reject: settle(reject), flow });
        running.send({ id, flow, args }, (error) => {
          if (!error) return;
          pending.get(id)?.reject(error);
          pending.delete(id);
        });
      });

    const api = (path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> => {
      const headers = new Headers(init.headers);
      if (!headers.has('x-filesapi-key') && !headers.has('x-filesapi-auth')) headers.set('X-FilesAPI-Key', emulator.apiKey);
      let body = init.body;
      if (init.json !== undefined) {
        body = JSON.stringify(init.json);
        headers.set('content-type', 'application/json');
      }
      return emulator.fetch(`${baseUrl}${API_PATH}${path}`, { ...init, headers, body });
    };
    const walk = async <T>(path: string, perPage = 1000): Promise<T[]> => {
      const records: T[] = [];
      let cursor: string | null = null;
      const sep = path.includes('?') ? '&' : '?';
      do {
        const res = await api(`${path}${sep}per_page=${perPage}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
        records.push(...((await res.json()) as T[]));
        cursor = res.headers.get('x-files-cursor-next');
      } while (cursor);
      return records;
    };

    const stop = server;
    return {
      emulator,
      baseUrl,
      dir: temp.path,
      api,
      walk,
      run,
      close: async () => {
        if (running.exitCode === null && running.signalCode === null) {
          running.disconnect(); // the worker exits when its channel closes
          const timer = setTimeout(() => running.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }
        await stop.close();
        await temp.remove();
      },
    };
  } catch (error) {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await server?.close();
    await temp.remove();
    throw error;
  }
}
