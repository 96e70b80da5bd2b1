// IAM resources derived from release-policy.yml, for serverless.yml:
//   ${file(infra/policy-resources.cjs):pipelineArns}
const tsx = require('tsx/cjs/api');
const { readPolicy } = require('./release-policy-file.cjs');

const { policyPipelines } = tsx.require('../shared/policy-rules.ts', __filename);

module.exports = () => {
  const { policy, problems } = readPolicy();
  // A bad policy stops `serverless package` / `npm start` with its problems alone, not a stack trace.
  if (problems) {
    process.stderr.write(`\nThe release policy is not valid:\n${problems.map((problem) => `  ${problem}`).join('\n')}\n\n`);
    process.exit(1);
  }
  const arn = (service, name) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${name}` });
  const pipelines = policyPipelines(policy);
  return {
    repositoryArns: Object.keys(policy.repositories).map((name) => arn('codecommit', name)),
    pipelineArns: pipelines.map((name) => arn('codepipeline', name)),
    // PutApprovalResult's resource is the action (<pipeline>/<stage>/<action>), RetryStageExecution's and RollbackStage's the stage
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodepipeline.html)
    pipelineStageArns: pipelines.map((name) => arn('codepipeline', `${name}/*`)),
  };
};
