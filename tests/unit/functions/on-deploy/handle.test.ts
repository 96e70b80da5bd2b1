import { handle } from '../../../../functions/on-deploy/handle';
import { CodeDeployStateEvent } from '../../../../shared/events';
import type { DeploymentOutcome } from '../../../../shared/ports';
import { parsePolicy } from '../../../../shared/release-policy';
import { memoryDeployments, memoryLedger, memoryNotifications, memoryPipelines, type ListedAction } from '../../../support/fakes';
import { emittedMetrics } from '../../../support/metrics';
import { sampleEvent } from '../../../support/samples';

const policy = parsePolicy(`
teams: { platform: {}, web: {} }
repositories:
  MyDemoRepo:
    team: platform
    pipelines:
      - { name: MyFirstPipeline, branches: [main] }
      - { name: feature-preview, branches: ["feature/**"] }
  WebsiteRepo:
    team: web
    pipelines: [{ name: website, branches: [main] }]
`);

const DEPLOYMENT = 'd-123456789';
const failed: DeploymentOutcome = { durationSeconds: 125, error: { code: 'HEALTH_CONSTRAINTS', message: 'The overall deployment failed because too many individual instances failed deployment' } };
const ranByMyFirstPipeline: ListedAction[] = [
  { pipeline: 'MyFirstPipeline', executionId: 'exec-other', stage: 'Prod', action: 'Deploy', externalExecutionId: 'd-OTHER0001' },
  { pipeline: 'MyFirstPipeline', executionId: 'exec-deploy', stage: 'Prod', action: 'Deploy', externalExecutionId: DEPLOYMENT },
];

function setUp(actions: ListedAction[] = ranByMyFirstPipeline) {
  const fakes = {
    deployments: memoryDeployments({ [DEPLOYMENT]: failed }),
    pipelines: memoryPipelines({ actions }),
    ledger: memoryLedger(),
    notifications: memoryNotifications(),
  };
  return { ...fakes, deps: { policy, ...fakes } };
}

describe('on-deploy handle', () => {
  it("keeps a failed deployment with CodeDeploy's error and duration, ties it to the execution that ran it, and tells that pipeline's team", async () => {
    const { deps, deployments, pipelines, ledger, notifications } = setUp();
    const event = sampleEvent(CodeDeployStateEvent, 'codedeploy/deployment-failure.json');
    const { result, records } = await emittedMetrics(() => handle(event, deps));
    expect(result).toEqual({ application: 'myApplication', deploymentGroup: 'myDeploymentGroup', deploymentId: DEPLOYMENT, state: 'FAILURE', ended: true, succeeded: false, ...failed });
    expect(deployments.asked).toEqual([DEPLOYMENT]);
    expect(pipelines.reads).toEqual(['MyFirstPipeline', 'feature-preview', 'website'].map((pipeline) => `findActionExecution ${pipeline} ${DEPLOYMENT}`));
    expect(await ledger.deployment(DEPLOYMENT)).toEqual({ deploymentId: DEPLOYMENT, application: 'myApplication', deploymentGroup: 'myDeploymentGroup', state: 'FAILURE', at: event.time, ...failed });
    expect(await ledger.executionOf('deployment', DEPLOYMENT)).toEqual({ pipeline: 'MyFirstPipeline', executionId: 'exec-deploy' });
    expect(notifications.published).toEqual([
      {
        id: event.id,
        kind: 'deployment',
        severity: 'failure',
        team: 'platform',
        at: event.time,
        region: 'us-east-1',
        result: 'FAILURE',
        pipeline: { name: 'MyFirstPipeline', executionId: 'exec-deploy', externalExecutionId: DEPLOYMENT },
        deployment: { id: DEPLOYMENT, application: 'myApplication', deploymentGroup: 'myDeploymentGroup', error: failed.error },
        durationSeconds: 125,
        links: [{ label: 'Deployment', url: `https://us-east-1.console.aws.amazon.com/codesuite/codedeploy/deployments/${DEPLOYMENT}?region=us-east-1` }],
      },
    ]);
    expect(records).toEqual([expect.objectContaining({ application: 'myApplication', DeploymentFailed: 1, DeploymentSucceeded: 0, DeploymentDuration: 125 })]);
  });

  it('asks CodeDeploy nothing while a deployment starts, and CodePipeline nothing once the ledger ties the deployment to its execution', async () => {
    const { deps, deployments, pipelines, ledger, notifications } = setUp();
    await handle(sampleEvent(CodeDeployStateEvent, 'codedeploy/deployment-start.json'), deps);
    expect(deployments.asked).toEqual([]);
    expect(pipelines.reads).toHaveLength(3);
    await handle(sampleEvent(CodeDeployStateEvent, 'codedeploy/deployment-success.json'), deps);
    expect(deployments.asked).toEqual([DEPLOYMENT]);
    expect(pipelines.reads).toHaveLength(3);
    expect(await ledger.deployment(DEPLOYMENT)).toMatchObject({ state: 'SUCCESS' });
    expect(notifications.published.map(({ result, pipeline, durationSeconds }) => ({ result, pipeline, durationSeconds }))).toEqual([
      { result: 'START', pipeline: { name: 'MyFirstPipeline', executionId: 'exec-deploy', externalExecutionId: DEPLOYMENT }, durationSeconds: undefined },
      { result: 'SUCCESS', pipeline: { name: 'MyFirstPipeline', executionId: 'exec-deploy', externalExecutionId: DEPLOYMENT }, durationSeconds: 125 },
    ]);
  });

  it("ties nothing and names no pipeline for a deployment none of the policy's pipelines ran", async () => {
    const { deps, ledger, notifications } = setUp([]);
    await handle(sampleEvent(CodeDeployStateEvent, 'codedeploy/deployment-failure.json'), deps);
    expect(await ledger.executionOf('deployment', DEPLOYMENT)).toBeUndefined();
    expect(await ledger.deployment(DEPLOYMENT)).toMatchObject({ state: 'FAILURE', error: failed.error });
    expect(notifications.published).toEqual([expect.objectContaining({ team: 'unrouted', result: 'FAILURE', deployment: expect.objectContaining({ error: failed.error }) })]);
    expect(notifications.published[0]!.pipeline).toBeUndefined();
  });
});
