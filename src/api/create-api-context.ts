import type { RequestCore, RequestSpec, Scalar } from '../core/types.js';
import { pumpPages } from '../pagination/page-pump.js';
import { Paginated } from '../pagination/paginated.js';
import type { ApiContext, CallOptions, ListCallOptions, OperationParams, ValidationMode } from './context.js';
import type { OperationSpec } from './operation.js';
import { filesPageFetcher } from './page-fetcher.js';
import { checkParams, splitParams } from './params.js';
import { createValidator, validateList } from './validate.js';
import { InvalidParameterError, ResponseValidationError } from '../errors/client-errors.js';
import { parseResumeCursor } from '../pagination/resume-cursor.js';

/** Client-wide defaults the API context applies to every call. */
export interface ApiDefaults {
  validation: ValidationMode;
  prefetch: number;
  /** `per_page` sent when a list call does not give one (capped at the operation's max). */
  perPage: number | undefined;
  /** Throws `ConfigurationError` when the client has no credentials for an authenticated call. */
  assertAuth: (op: OperationSpec) => void;
}

/** Creates the context generated resource modules call into. */
export function createApiContext(core: RequestCore, defaults: ApiDefaults): ApiContext {
  function requestSpec(op: OperationSpec, pathArgs: readonly unknown[], params: OperationParams | undefined, options: CallOptions): RequestSpec {
    checkParams(op, pathArgs, params);
    defaults.assertAuth(op);
    const { query, body } = splitParams(op, params);
    const pathParams: Record<string, Scalar> = {};
    op.pathParams.forEach((name, i) => (pathParams[name] = pathArgs[i] as Scalar));
    return {
      method: op.method,
      path: op.path,
      pathParams,
      query,
      body,
      signal: options.signal,
      timeout: options.timeout,
      anonymous: op.anonymous,
      idempotent: options.idempotent,
      operation: op.id,
    };
  }

  return {
    async call(op, pathArgs, params, options = {}) {
      const spec = requestSpec(op, pathArgs, params, options);
      const { status, body } = await core.request(spec);
      if (!op.returns || (body === undefined && status === 204)) return undefined;
      if (body === undefined) throw new ResponseValidationError(op.id, undefined, [], `expected a record, got an empty body (status ${status})`);
      const validate = createValidator(op.id, op.returns.schema(), options.validation ?? defaults.validation);
      return op.returns.array ? validateList(op.id, body, validate) : validate(body, undefined);
    },

    list(op, pathArgs, params, options: ListCallOptions = {}) {
      const spec = requestSpec(op, pathArgs, withPerPage(op, params, defaults.perPage), options);
      checkStartCursor(op, options.startCursor);
      const schema = op.returns?.schema();
      const validate = createValidator(op.id, schema, options.validation ?? defaults.validation);
      if (options.maxPageBytes !== undefined && !(Number.isInteger(options.maxPageBytes) && options.maxPageBytes >= 1024)) {
        throw new InvalidParameterError(op.id, 'maxPageBytes', 'must be an integer of at least 1024 (bytes)');
      }
      const fetcher = filesPageFetcher(core, spec, validate, options.maxPageBytes);
      const perPage = (spec.query?.per_page as number | undefined) ?? undefined;
      const pumpOptions = { ...options, prefetch: options.prefetch ?? defaults.prefetch, pageSize: perPage };
      return new Paginated((demand) => pumpPages(fetcher, pumpOptions, demand));
    },
  };
}

/** A resume cursor that is malformed is refused before anything is sent. */
function checkStartCursor(op: OperationSpec, startCursor: unknown): void {
  if (startCursor === undefined) return;
  if (typeof startCursor !== 'string' || startCursor === '') {
    throw new InvalidParameterError(op.id, 'startCursor', 'must be a non-empty string (a nextCursor or resumeCursor)');
  }
  try {
    parseResumeCursor(startCursor);
  } catch (error) {
    throw new InvalidParameterError(op.id, 'startCursor', (error as Error).message);
  }
}

function withPerPage(op: OperationSpec, params: OperationParams | undefined, perPage: number | undefined): OperationParams | undefined {
  if (perPage === undefined || params?.per_page !== undefined) return params;
  const param = op.params.find((p) => p.name === 'per_page');
  if (!param) return params;
  return { ...params, per_page: Math.min(perPage, param.max ?? perPage) };
}
