import { deploymentNotification } from '../../../../functions/on-deploy/deployment-notification';
import { CodeDeployStateEvent } from '../../../../shared/events';
import { sampleEvent } from '../../../support/samples';

const deploymentLink = { label: 'Deployment', url: 'https://us-east-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-123456789?region=us-east-1' };
const error = { code: 'HEALTH_CONSTRAINTS', message: 'The overall deployment failed because too many individual instances failed deployment' };

describe('deploymentNotification', () => {
  it("tells a failed deployment with CodeDeploy's error and duration, and the execution that ran it", () => {
    const event = sampleEvent(CodeDeployStateEvent, 'codedeploy/deployment-failure.json');
    expect(deploymentNotification(event, { durationSeconds: 125, error }, 'platform', { pipeline: 'MyFirstPipeline', executionId: 'exec-1' })).toEqual({
      id: event.id,
      kind: 'deployment',
      severity: 'failure',
      team: 'platform',
      at: event.time,
      region: 'us-east-1',
      result: 'FAILURE',
      pipeline: { name: 'MyFirstPipeline', executionId: 'exec-1', externalExecutionId: 'd-123456789' },
      deployment: { id: 'd-123456789', application: 'myApplication', deploymentGroup: 'myDeploymentGroup', error },
      durationSeconds: 125,
      links: [deploymentLink],
    });
  });

  it.each([
    ['deployment-start', 'info', 'START'],
    ['deployment-success', 'success', 'SUCCESS'],
  ])('tells %s as %s, %s, naming no pipeline when none is known', (file, severity, result) => {
    const notification = deploymentNotification(sampleEvent(CodeDeployStateEvent, `codedeploy/${file}.json`), {}, 'unrouted');
    expect(notification).toMatchObject({ kind: 'deployment', severity, result, team: 'unrouted', deployment: { id: 'd-123456789', error: undefined }, durationSeconds: undefined, links: [deploymentLink] });
    expect(notification.pipeline).toBeUndefined();
  });
});
