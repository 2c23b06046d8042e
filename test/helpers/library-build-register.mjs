// `node --import <this file>`: in a child process of the tests, `files-stream` imports the test
// run's build of the library (FILES_STREAM_TEST_CLI, see test/setup/built-cli.ts) instead of
// its sources through tsx, which cost a child a second or more of CPU.
import { register } from 'node:module';
import { dirname, join } from 'node:path';

const cli = process.env.FILES_STREAM_TEST_CLI;
if (!cli) throw new Error('library-build-register.mjs: FILES_STREAM_TEST_CLI is not set (no build of this test run)');
// <build>/dist/cli/main.js -> <build>/package.json
register(new URL('./library-build-hooks.mjs', import.meta.url), { data: { packageJson: join(dirname(dirname(dirname(cli))), 'package.json') } });
