// The dashboard and alarms of infra/monitoring.ts, for serverless.yml: ${file(infra/monitoring.cjs)}
const tsx = require('tsx/cjs/api');
const { readPolicy } = require('./release-policy-file.cjs');
const { policyPipelines, teamProductionPipelines } = tsx.require('../shared/policy-rules.ts', __filename);

const { dashboardBody, alarms } = tsx.require('./monitoring.ts', __filename);

module.exports = async ({ resolveVariable }) => {
  const [service, stage, namespace, functions] = await Promise.all(['self:service', 'sls:stage', 'param:metricsNamespace', 'self:functions'].map((name) => resolveVariable(name)));
  const { policy } = readPolicy(); // infra/policy-resources.cjs has already stopped a bad policy
  const settings = {
    service,
    stage,
    namespace,
    region: '${AWS::Region}',
    pipelines: policyPipelines(policy),
    productionPipelines: policyPipelines(policy, 'production'),
    teams: teamProductionPipelines(policy),
    functions: Object.keys(functions).map((name) => `${service}-${stage}-${name}`),
    deadLetterQueue: `${service}-${stage}-dead-letters`,
    undeliveredNotificationsQueue: `${service}-${stage}-undelivered-notifications`,
  };
  return {
    Resources: {
      Dashboard: {
        Type: 'AWS::CloudWatch::Dashboard',
        Properties: { DashboardName: `${service}-${stage}`, DashboardBody: { 'Fn::Sub': JSON.stringify(dashboardBody(settings)) } },
      },
      ...alarms(settings, { Ref: 'ReleaseNotifications' }),
    },
  };
};
