// esbuild plugins for serverless-esbuild (custom.esbuild.plugins in serverless.yml).
const { policyFile, readPolicy } = require('./release-policy-file.cjs');

/**
 * `import policy from '.../release-policy.yml'` becomes the validated policy as JSON: a bad
 * policy fails the build (so `serverless package` and `npm start`) with the file, the path and
 * what was expected, and the functions carry no YAML parser. RC_RELEASE_POLICY names another file.
 */
const releasePolicy = {
  name: 'release-policy',
  setup(build) {
    const file = policyFile();
    build.onResolve({ filter: /release-policy\.yml$/ }, () => ({ path: file, namespace: 'release-policy' }));
    build.onLoad({ filter: /.*/, namespace: 'release-policy' }, () => {
      const { policy, problems } = readPolicy(file);
      if (problems) return { errors: problems.map((text) => ({ text })) };
      return { contents: JSON.stringify(policy), loader: 'json', watchFiles: [file] };
    });
  },
};

module.exports = [releasePolicy];
