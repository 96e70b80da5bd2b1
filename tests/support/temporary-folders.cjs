// jest's globalSetup and globalTeardown for every run: what the tests, the local stacks they start
// and the programs those run (git, Chromium, serverless-offline's workers) write in the temporary
// folder goes into one of this run's own, removed at its end, so that runs leave nothing behind.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

// jest runs a project's globalSetup before the run's own: the integration tests' calls it first
module.exports.setup = () => {
  process.env.RC_TEST_RUN_TMPDIR ??= mkdtempSync(join(tmpdir(), 'rc-test-run-'));
  // os.tmpdir() of this process and of every process it starts
  process.env.TMPDIR = process.env.RC_TEST_RUN_TMPDIR;
};

module.exports.teardown = () => {
  if (process.env.RC_TEST_RUN_TMPDIR) rmSync(process.env.RC_TEST_RUN_TMPDIR, { recursive: true, force: true });
};
