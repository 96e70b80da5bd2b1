// IAM resources derived from release-policy.yml, for serverless.yml:
//   ${file(infra/policy-resources.cjs):pipelineArns}, and the alarms on-alarm hears
const tsx = require('tsx/cjs/api');
const { readPolicy } = require('./release-policy-file.cjs');

const { pipelinePlace, policyPipelines, repositoryPlace, signalAlarms } = tsx.require('../shared/policy-rules.ts', __filename);
const alarmEvents = require('../events/cloudwatch-alarm-state.json');

module.exports = async ({ resolveVariable }) => {
  const { policy, problems } = readPolicy();
  // A bad policy stops `serverless package` / `npm start` with its problems alone, not a stack trace.
  if (problems) {
    process.stderr.write(`\nThe release policy is not valid:\n${problems.map((problem) => `  ${problem}`).join('\n')}\n\n`);
    process.exit(1);
  }
  // each where the policy places it (docs/organization.md); in another account the grant is inert, the member role does the work
  const arn = (service, name, { account, region }) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:${service}:${region ?? '${AWS::Region}'}:${account ?? '${AWS::AccountId}'}:${name}` });
  const pipelines = policyPipelines(policy);
  const [service, stage] = await Promise.all([resolveVariable('self:service'), resolveVariable('sls:stage')]);
  return {
    // CloudFormation names this stack's alarms <stack>-<logical id>-<suffix>, the stack being <service>-<stage>
    alarmPattern: { ...alarmEvents, detail: { alarmName: [...signalAlarms(policy), { prefix: `${service}-${stage}-` }] } },
    repositoryArns: Object.keys(policy.repositories).map((name) => arn('codecommit', name, repositoryPlace(policy, name))),
    pipelineArns: pipelines.map((name) => arn('codepipeline', name, pipelinePlace(policy, name))),
    // PutApprovalResult's resource is the action (<pipeline>/<stage>/<action>), RetryStageExecution's and RollbackStage's the stage
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodepipeline.html)
    pipelineStageArns: pipelines.map((name) => arn('codepipeline', `${name}/*`, pipelinePlace(policy, name))),
  };
};
