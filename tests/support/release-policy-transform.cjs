// Jest's counterpart of infra/esbuild-plugins.cjs: `import policy from '.../release-policy.yml'`
// gives the validated policy, so unit tests run the handlers on the policy the stack deploys.
module.exports = {
  process(source, filename) {
    // loaded here, not at the top: tsx's require hook must not be in place while globalSetup resolves its own imports
    const { parsePolicy } = require('tsx/cjs/api').require('../../shared/release-policy.ts', __filename);
    return { code: `module.exports = ${JSON.stringify(parsePolicy(source, filename))};` };
  },
};
