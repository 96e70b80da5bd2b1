// The release policy file as the build sees it, shared by infra/esbuild-plugins.cjs and infra/policy-resources.cjs.
const { readFileSync } = require('node:fs');
const { relative, resolve } = require('node:path');
const tsx = require('tsx/cjs/api');

const { parsePolicy, PolicyError } = tsx.require('../shared/release-policy.ts', __filename);

/** release-policy.yml in the working folder, or the file RC_RELEASE_POLICY names. */
const policyFile = () => resolve(process.env.RC_RELEASE_POLICY || 'release-policy.yml');

/** The validated policy, or every problem that makes it unusable, each naming the file and the path in it. */
function readPolicy(file = policyFile()) {
  const inside = relative(process.cwd(), file);
  const name = inside.startsWith('..') ? file : inside;
  try {
    return { policy: parsePolicy(readFileSync(file, 'utf8'), name) };
  } catch (error) {
    if (error instanceof PolicyError) return { problems: error.problems };
    if (error.code === 'ENOENT') return { problems: [`${name}: not found (set RC_RELEASE_POLICY to use another file)`] };
    throw error;
  }
}

module.exports = { policyFile, readPolicy };
