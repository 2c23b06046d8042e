import type { HttpMethod } from '../core/types.js';

/** Where a parameter travels: a path segment, the query string or the JSON body. */
export type ParamLocation = 'path' | 'query' | 'body';

/** One parameter of an operation, as the spec describes it. */
export interface ParamSpec {
  /** Wire name, exactly as Files.com spells it. */
  readonly name: string;
  /** Spec type: `string`, `int64`, `boolean`, `object`, `double`, `file`, `array(string)`, ... */
  readonly type: string;
  readonly required: boolean;
  readonly in: ParamLocation;
  /** Largest accepted value (`per_page`). */
  readonly max?: number;
  /** Fields accepted as keys of `sort_by` / `filter*` objects. */
  readonly validFields?: readonly string[];
  /** Accepted sort directions (`asc`, `desc`). */
  readonly directions?: readonly string[];
  /** Values the docs list for this parameter (heuristic; informative only). */
  readonly enumLike?: readonly string[];
}

/**
 * The response model of an operation. Its zod schema is looked up by name (`<model>Schema`
 * in `files-stream/schemas`) when the first response is validated, so neither zod nor the
 * 149 schemas are loaded at import.
 */
export interface ReturnSpec {
  readonly model: string;
  readonly array: boolean;
}

/** Everything the runtime needs to send one Files.com operation. Generated from the spec. */
export interface OperationSpec {
  /** `namespace.method`, e.g. `users.list`. */
  readonly id: string;
  /** Spec resource name, e.g. `User`. */
  readonly resource: string;
  /** Spec SDK method name, e.g. `list`. */
  readonly sdkMethod: string;
  readonly method: HttpMethod;
  /** Path template below `/api/rest/v1`, e.g. `/users/{id}`. */
  readonly path: string;
  /** Names of the path parameters, in positional order. */
  readonly pathParams: readonly string[];
  /** Every parameter, the path ones included (`in: 'path'`); `cursor` is left out (resume is `startCursor`). */
  readonly params: readonly ParamSpec[];
  /** True when the operation is a cursor-paginated list. */
  readonly paginated: boolean;
  /** Response model; `null` for operations answering 204. */
  readonly returns: ReturnSpec | null;
  /** HTTP status of a success. */
  readonly status: number;
  /** True for operations sent without an API key (`POST /sessions`). */
  readonly anonymous?: boolean;
}
