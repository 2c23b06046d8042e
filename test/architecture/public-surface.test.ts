// The public surface: the root entry exports what scripts use, nothing more. A new value
// export must be added here on purpose; internals go to `files-stream/extend`.
import { describe, expect, it } from 'vitest';
import * as extend from '../../src/extend.js';
import * as root from '../../src/index.js';
import * as schemas from '../../src/schemas.js';

describe('public surface', () => {
  it('the root exports exactly these values', () => {
    expect(Object.keys(root).sort()).toEqual([
      'BadRequestError',
      'ConfigurationError',
      'DEFAULT_BASE_URL',
      'FileMigrationError',
      'FilesApiError',
      'FilesError',
      'IntegrityError',
      'InvalidParameterError',
      'LocalFileChangedError',
      'NetworkError',
      'NotAuthenticatedError',
      'NotAuthorizedError',
      'NotFoundError',
      'Paginated',
      'PaginationError',
      'ProcessingFailureError',
      'ProxyAuthenticationError',
      'RateLimitedError',
      'RedirectError',
      'ResponseTooLargeError',
      'ResponseValidationError',
      'ServiceUnavailableError',
      'SiteConfigurationError',
      'SyncError',
      'TimeoutError',
      'UnsafePathError',
      'VERSION',
      'createClient',
      'downloadTree',
      'endsInWhiteSpace',
      'isFilesError',
      'normalizePath',
      'pathsEqual',
      'toComparable',
      'uploadTree',
    ]);
  });

  it('files-stream/schemas holds one zod schema per model, and nothing else', () => {
    const names = Object.keys(schemas);
    expect(names.length).toBe(149);
    expect(names.every((n) => n.endsWith('Schema'))).toBe(true);
    expect(typeof schemas.UserSchema.safeParse).toBe('function');
  });

  it('files-stream/extend holds the extension points', () => {
    expect(Object.keys(extend).sort()).toEqual([
      'RetryBudget',
      'apiOperations',
      'defaultRetryPolicy',
      'encodeResumeCursor',
      'errorClassByFamily',
      'errorFamilies',
      'errorFamilyOf',
      'errorTypes',
      'failureOf',
      'familyOf',
      'isRelativeTime',
      'operationSpecs',
      'parseResumeCursor',
      'parseRetryAfter',
      'parseUtcTime',
      'pumpPages',
      'rawJsonOf',
      'readTime',
      'readUtcTime',
      'resolveTime',
      'retryDelay',
      'timeRangeOf',
      'withRetries',
    ]);
    expect(Object.keys(extend.operationSpecs)).toHaveLength(419);
  });
});
