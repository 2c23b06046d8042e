/**
 * Entry point of the `files-stream` executable (`bin/files-stream.js` imports it): runs the
 * command line and sets the exit status once output is flushed.
 * @packageDocumentation
 */
import { processIo } from './io.js';
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), processIo());
