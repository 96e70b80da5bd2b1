// Many accounts (docs/organization.md), for serverless.yml: ${file(infra/organization.cjs)}
// - when release-policy.yml names other accounts: the functions that read and act on pipelines and
//   repositories may assume the member role there (infra/member-account.yml), in those accounts only;
// - when the organizationId param is set: a bus the organization's accounts forward their events to,
//   with the same rules, dead-letter queue and functions as the default bus's.
const tsx = require('tsx/cjs/api');
const { readPolicy } = require('./release-policy-file.cjs');

const { memberAccounts } = tsx.require('../shared/policy-rules.ts', __filename);

/** The functions that read or act where the policy places a repository or pipeline. */
const ACTING_FUNCTIONS = ['on-push', 'on-pipeline', 'on-deploy', 'on-alarm', 'act-from-slack'];
/** What a member account forwards: the sources the functions' rules hear. */
const FORWARDED_SOURCES = ['aws.codecommit', 'aws.codebuild', 'aws.codedeploy', 'aws.codepipeline', 'aws.cloudwatch'];

// the logical ids serverless and serverless-iam-roles-per-function give a function's resources
const logicalName = (name) => `${name[0].toUpperCase()}${name.slice(1).replace(/-/g, 'Dash')}`;
const functionId = (name) => `${logicalName(name)}LambdaFunction`;
const roleId = (name) => `${logicalName(name)}IamRoleLambdaExecution`;

module.exports = async ({ resolveVariable }) => {
  const [service, stage, organizationId, memberRoleName, functions] = await Promise.all(['self:service', 'sls:stage', 'param:organizationId', 'param:memberRoleName', 'self:functions'].map((name) => resolveVariable(name)));
  const { policy } = readPolicy(); // infra/policy-resources.cjs has already stopped a bad policy
  const members = memberAccounts(policy);
  const Resources = {};
  const Outputs = {
    // what infra/member-account.yml's CentralFunctionRoleArns takes: the member role trusts these roles alone
    CentralFunctionRoleArns: { Value: { 'Fn::Join': [',', ACTING_FUNCTIONS.map((name) => ({ 'Fn::GetAtt': [roleId(name), 'Arn'] }))] } },
  };

  if (members.length > 0) {
    Resources.AssumeMemberRoles = {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'assume-member-roles',
        Roles: ACTING_FUNCTIONS.map((name) => ({ Ref: roleId(name) })),
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: members.map((account) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::${account}:role/${memberRoleName}` })) }],
        },
      },
    };
  }

  if (organizationId) {
    const busName = `${service}-${stage}-organization`;
    Resources.OrganizationEventBus = { Type: 'AWS::Events::EventBus', Properties: { Name: busName } };
    Resources.OrganizationEventBusPolicy = {
      Type: 'AWS::Events::EventBusPolicy',
      Properties: {
        EventBusName: { Ref: 'OrganizationEventBus' },
        StatementId: 'OrganizationMembersForward',
        Statement: {
          Effect: 'Allow',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: { 'Fn::GetAtt': ['OrganizationEventBus', 'Arn'] },
          Condition: { StringEquals: { 'aws:PrincipalOrgID': organizationId, 'events:source': FORWARDED_SOURCES } },
        },
      },
    };
    for (const [name, fn] of Object.entries(functions)) {
      (fn.events ?? []).forEach(({ eventBridge }, index) => {
        if (!eventBridge) return;
        const ruleId = `${logicalName(name)}OrganizationRule${index + 1}`;
        Resources[ruleId] = {
          Type: 'AWS::Events::Rule',
          Properties: {
            EventBusName: { Ref: 'OrganizationEventBus' },
            EventPattern: eventBridge.pattern,
            State: 'ENABLED',
            Targets: [
              {
                Id: `${name}-organization`,
                Arn: { 'Fn::GetAtt': [functionId(name), 'Arn'] },
                RetryPolicy: { MaximumEventAgeInSeconds: eventBridge.retryPolicy.maximumEventAge, MaximumRetryAttempts: eventBridge.retryPolicy.maximumRetryAttempts },
                DeadLetterConfig: { Arn: eventBridge.deadLetterQueueArn },
              },
            ],
          },
        };
        Resources[`${ruleId}Permission`] = {
          Type: 'AWS::Lambda::Permission',
          Properties: { FunctionName: { 'Fn::GetAtt': [functionId(name), 'Arn'] }, Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] } },
        };
      });
    }
    Outputs.OrganizationEventBusArn = { Value: { 'Fn::GetAtt': ['OrganizationEventBus', 'Arn'] } };
  }
  return { Resources, Outputs };
};
