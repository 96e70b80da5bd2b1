// esbuild plugins for serverless-esbuild (custom.esbuild.plugins in serverless.yml).
const { readFileSync } = require('node:fs');
const { relative, resolve } = require('node:path');
const tsx = require('tsx/cjs/api');

const { parsePolicy, PolicyError } = tsx.require('../shared/release-policy.ts', __filename);

/**
 * `import policy from '.../release-policy.yml'` becomes the validated policy as JSON: a bad
 * policy fails the build (so `serverless package` and `npm start`) with the file, the path and
 * what was expected, and the functions carry no YAML parser. RC_RELEASE_POLICY names another file.
 */
const releasePolicy = {
  name: 'release-policy',
  setup(build) {
    const file = resolve(process.env.RC_RELEASE_POLICY || 'release-policy.yml');
    build.onResolve({ filter: /release-policy\.yml$/ }, () => ({ path: file, namespace: 'release-policy' }));
    build.onLoad({ filter: /.*/, namespace: 'release-policy' }, () => {
      const name = relative(process.cwd(), file);
      try {
        return { contents: JSON.stringify(parsePolicy(readFileSync(file, 'utf8'), name)), loader: 'json', watchFiles: [file] };
      } catch (error) {
        if (error instanceof PolicyError) return { errors: error.problems.map((text) => ({ text })) };
        if (error.code === 'ENOENT') return { errors: [{ text: `${name}: not found (set RC_RELEASE_POLICY to use another file)` }] };
        throw error;
      }
    });
  },
};

module.exports = [releasePolicy];
