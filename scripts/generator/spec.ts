/** The parts of `../shared/filescom-api/spec.json` the generator reads. */

export interface SpecAttribute {
  name: string;
  /** `string`, `int64`, `array(string)`, a model name, ... */
  type: string;
  inExample: boolean;
  enumLike?: string[];
}

export interface SpecModel {
  attributes: SpecAttribute[];
  /** A sample record; `null` when the SDK has none. */
  example: Record<string, unknown> | null;
}

export interface SpecParam {
  name: string;
  type: string;
  required: boolean;
  in: 'path' | 'query' | 'body';
  max?: number;
  validFields?: string[];
  directions?: string[];
  enumLike?: string[];
}

export interface SpecOperation {
  resource: string;
  sdkMethod: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  pathParams: string[];
  params: SpecParam[];
  paginated: boolean;
  returns: { model: string; array: boolean } | null;
  status: number;
  /** The mock server's response body; `null` for 204. Arrays hold one record. */
  exampleResponse: unknown;
}

export interface SpecError {
  type: string;
  family: string;
  className: string;
}

export interface Spec {
  basePath: string;
  pagination: { requestParams: string[]; sortDirections: string[] };
  requestConventions: { noApiKeyFor: { method: string; path: string }[] };
  models: Record<string, SpecModel>;
  operations: SpecOperation[];
  errors: SpecError[];
  errorFamilies: { family: string; className: string }[];
}
