export * from './files-error.js';
export * from './api-errors.js';
export * from './client-errors.js';
export * from './is-files-error.js';
