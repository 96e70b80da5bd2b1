// IAM resources derived from release-policy.yml, for serverless.yml:
//   ${file(infra/policy-resources.cjs):pipelineArns}
const { readFileSync } = require('node:fs');
const { relative, resolve } = require('node:path');
const tsx = require('tsx/cjs/api');

const { parsePolicy, PolicyError } = tsx.require('../shared/release-policy.ts', __filename);

module.exports = () => {
  const file = resolve(process.env.RC_RELEASE_POLICY || 'release-policy.yml');
  const policy = readPolicy(file);
  const arn = (service, name) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${name}` });
  const pipelines = Object.values(policy.repositories).flatMap((repository) => repository.pipelines.map((pipeline) => pipeline.name));
  return {
    repositoryArns: Object.keys(policy.repositories).map((name) => arn('codecommit', name)),
    pipelineArns: [...new Set(pipelines)].map((name) => arn('codepipeline', name)),
  };
};

// A bad policy stops `serverless package` / `npm start` with its problems alone, not a stack trace.
function readPolicy(file) {
  const name = relative(process.cwd(), file);
  try {
    return parsePolicy(readFileSync(file, 'utf8'), name);
  } catch (error) {
    if (!(error instanceof PolicyError) && error.code !== 'ENOENT') throw error;
    const problems = error instanceof PolicyError ? error.problems : [`${name}: not found (set RC_RELEASE_POLICY to use another file)`];
    process.stderr.write(`\nThe release policy is not valid:\n${problems.map((problem) => `  ${problem}`).join('\n')}\n\n`);
    process.exit(1);
  }
}
