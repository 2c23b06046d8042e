import { z } from 'zod';
import type { ValidationMode } from '../api/context.js';
import type { ClientHooks } from '../core/hooks.js';
import type { RetryPolicy } from '../core/retry.js';

/** Options of `createClient`. Every one is optional. */
export interface ClientOptions {
  /** API key, sent as `X-FilesAPI-Key`. Default: `FILESCOM_API_KEY`. */
  apiKey?: string;
  /**
   * Session id (from `POST /sessions`), sent as `X-FilesAPI-Auth`. A session wins over an API
   * key, as in the official SDKs: with both, only the session is sent.
   */
  sessionId?: string;
  /** Site URL. Default: `FILESCOM_BASE_URL`, else `https://app.files.com`. */
  baseUrl?: string;
  /** Sent as `X-Files-Workspace-Id`. */
  workspaceId?: string | number;
  /** Sent as `Accept-Language`. */
  language?: string;
  /** Per-attempt timeout in ms (to the response headers). Default 60,000; `false` for none. */
  timeout?: number | false;
  /** Retry policy overrides, or `false` for no retries. */
  retry?: Partial<RetryPolicy> | false;
  /** Default `per_page` for list calls (capped at each operation's maximum). Default: server's. */
  perPage?: number;
  /**
   * Largest response body read, in bytes: a page (or record) larger than this fails with
   * `ResponseTooLargeError` instead of being buffered whole. Default 256 MiB, far above the
   * largest legitimate page (10,000 records of a few KB each); a list call can override it.
   */
  maxPageBytes?: number;
  /** Pages requested ahead of the consumer. Default 1. */
  prefetch?: number;
  /** Response validation. Default `passthrough`. */
  validation?: ValidationMode;
  /** A `fetch` implementation to use instead of the global one. */
  fetch?: typeof globalThis.fetch;
  /** Appended to the `User-Agent` header (`files-stream/<version> <suffix>`). */
  userAgent?: string;
  /** Observation hooks for logging and metrics. */
  hooks?: ClientHooks;
}

const method = z.enum(['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD']);
const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'expected a function');

/** The zod schema of `ClientOptions`, used to reject bad options with a clear message. */
export const clientOptionsSchema = z.strictObject({
  apiKey: z.string().min(1, 'must not be empty').optional(),
  sessionId: z.string().min(1, 'must not be empty').optional(),
  baseUrl: z
    .string()
    .refine((v) => /^https?:\/\/[^/]+/i.test(v) && URL.canParse(v), 'must be an http(s) URL such as https://app.files.com')
    .optional(),
  workspaceId: z.union([z.string().min(1), z.number().int().nonnegative()]).optional(),
  language: z.string().min(1).optional(),
  timeout: z.union([z.number().positive().max(2_147_483_647), z.literal(false)]).optional(),
  retry: z
    .union([
      z.literal(false),
      z.strictObject({
        limit: z.number().int().min(0).max(100).optional(),
        methods: z.array(method).optional(),
        statusCodes: z.array(z.number().int().min(400).max(599)).optional(),
        backoffMs: z.number().min(0).optional(),
        maxBackoffMs: z.number().min(0).optional(),
        maxRetryTimeMs: z.number().min(0).optional(),
        retryOnTimeout: z.boolean().optional(),
      }),
    ])
    .optional(),
  perPage: z.number().int().min(1).max(10_000).optional(),
  maxPageBytes: z.number().int().min(1024, 'must be at least 1024 bytes').optional(),
  prefetch: z.number().int().min(0).max(16).optional(),
  validation: z.enum(['passthrough', 'strict', 'off']).optional(),
  fetch: fn.optional(),
  userAgent: z.string().optional(),
  hooks: z
    .strictObject({ beforeRequest: fn.optional(), afterResponse: fn.optional(), beforeRetry: fn.optional() })
    .optional(),
});
