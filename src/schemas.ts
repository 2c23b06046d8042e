/**
 * `files-stream/schemas`: the zod schema of every Files.com model (`UserSchema`,
 * `FileSchema`, ...) and its type, as the client validates responses with them. Each schema
 * is built on first use.
 * @packageDocumentation
 */
export * from './generated/models/index.js';
