// `node --import <this file>`: in a child process of the tests, `files-stream` imports the test
// run's build of the library (FILES_STREAM_TEST_BUILD, see test/setup/built-cli.ts) instead of
// its sources through tsx, which cost a child a second or more of CPU.
import { register } from 'node:module';
import { join } from 'node:path';

const build = process.env.FILES_STREAM_TEST_BUILD;
if (!build) throw new Error('library-build-register.mjs: FILES_STREAM_TEST_BUILD is not set (no build of this test run)');
register(new URL('./library-build-hooks.mjs', import.meta.url), { data: { packageJson: join(build, 'package.json') } });
