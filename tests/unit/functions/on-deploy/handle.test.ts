import { handle } from '../../../../functions/on-deploy/handle';
import { CodeDeployStateEvent } from '../../../../shared/events';
import type { DeploymentOutcome } from '../../../../shared/ports';
import { placePolicy } from '../../../../shared/policy-rules';
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
    expect(result).toEqual({ application: 'myApplication', deploymentGroup: 'myDeploymentGroup', deploymentId: DEPLOYMENT, state: 'FAILURE', ended: true, succeeded: false, ...failed, dora: [] });
    expect(deployments.asked).toEqual([DEPLOYMENT]);
    expect(pipelines.reads).toEqual(['MyFirstPipeline', 'feature-preview', 'website'].map((pipeline) => `findActionExecution ${pipeline} ${DEPLOYMENT}`));
    expect(await ledger.deployment(DEPLOYMENT)).toEqual({ deploymentId: DEPLOYMENT, application: 'myApplication', deploymentGroup: 'myDeploymentGroup', state: 'FAILURE', at: event.time, ...failed, eventId: event.id });
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

  it('counts the deployment on the retry when the team could not be told the first time', async () => {
    const { deps } = setUp();
    const failing = { ...deps, notifications: memoryNotifications({ failures: 1 }) };
    const event = sampleEvent(CodeDeployStateEvent, 'codedeploy/deployment-failure.json');
    await expect(handle(event, failing)).rejects.toThrow('SNS unavailable');
    const { records } = await emittedMetrics(() => handle(event, failing));
    expect(records).toContainEqual(expect.objectContaining({ application: 'myApplication', DeploymentFailed: 1, DeploymentSucceeded: 0 }));
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

describe('on-deploy handle: CodeDeploy rollbacks in a production group', () => {
  const production = parsePolicy(`
teams: { platform: {} }
repositories:
  MyDemoRepo:
    team: platform
    pipelines:
      - { name: MyFirstPipeline, branches: [main], production: true, signals: { deploymentGroups: [myApplication/myDeploymentGroup] } }
`);
  // d-ROLLBACK1 rolled back d-OTHER0001, which the deployment exec-other (succeeded two hours before) ran
  const ROLLBACK = 'd-ROLLBACK1';
  const rolledBack = { durationSeconds: 300, rollback: { of: 'd-OTHER0001', message: 'Rolled back' } };
  const deployed = { pipeline: 'MyFirstPipeline', executionId: 'exec-other', deployedAt: '2016-06-30T20:00:00.000Z', commitId: 'c'.repeat(40) };
  const rollbackEvent = (state: 'SUCCESS' | 'FAILURE') =>
    sampleEvent(CodeDeployStateEvent, `codedeploy/deployment-${state === 'SUCCESS' ? 'success' : 'failure'}.json`, (event) => {
      event.id = `rollback-${state}`;
      Object.assign(event.detail, { deploymentId: ROLLBACK });
    });
  const setUpRollback = (deployments = [deployed]) => {
    const fakes = { deployments: memoryDeployments({ [ROLLBACK]: rolledBack }), pipelines: memoryPipelines({ actions: ranByMyFirstPipeline, deployments }), ledger: memoryLedger(), notifications: memoryNotifications() };
    return { ...fakes, deps: { policy: production, ...fakes } };
  };

  it('a rollback that succeeded: the deployment it undid failed, and recovered when the rollback ended', async () => {
    const { deps, ledger } = setUpRollback();
    const event = rollbackEvent('SUCCESS');
    const signal = `rollback:${ROLLBACK}`;
    const facts = [
      { kind: 'failed-deployment', pipeline: 'MyFirstPipeline', executionId: 'exec-other', at: deployed.deployedAt, signal },
      { kind: 'recovery', pipeline: 'MyFirstPipeline', executionId: 'exec-other', at: new Date(event.time).toISOString(), seconds: 300, signal },
    ];
    expect(await handle(event, deps)).toMatchObject({ dora: facts });
    expect(await ledger.facts('MyFirstPipeline')).toEqual(facts);
  });

  it('a rollback that failed: the deployment failed, and has not recovered', async () => {
    const { deps } = setUpRollback();
    expect(await handle(rollbackEvent('FAILURE'), deps)).toMatchObject({ dora: [{ kind: 'failed-deployment', executionId: 'exec-other' }] });
  });

  it('a rollback of a deployment whose execution never succeeded says nothing of DORA: the pipeline caught it', async () => {
    const { deps, ledger } = setUpRollback([]);
    expect(await handle(rollbackEvent('SUCCESS'), deps)).toMatchObject({ dora: [] });
    expect(await ledger.facts('MyFirstPipeline')).toEqual([]);
  });

  it('a deployment that is no rollback, or in a group no pipeline declares, says nothing of DORA', async () => {
    const { deps } = setUpRollback();
    deps.deployments = memoryDeployments({ [ROLLBACK]: { durationSeconds: 300 } });
    expect(await handle(rollbackEvent('SUCCESS'), deps)).toMatchObject({ dora: [] });
    expect(await handle(rollbackEvent('SUCCESS'), { ...setUpRollback().deps, policy })).toMatchObject({ dora: [] });
  });
});

describe('on-deploy handle, in an organization', () => {
  it('reads the deployment where its event comes from, and looks for it among the pipelines that live there only', async () => {
    const HOME = { account: '123456789012', region: 'us-east-1' };
    const placed = placePolicy(parsePolicy(`
teams: { platform: {}, web: {} }
repositories:
  MyDemoRepo:
    team: platform
    pipelines:
      - { name: MyFirstPipeline, branches: [main] }
      - { name: feature-preview, branches: ["feature/**"], region: eu-west-1 }
  WebsiteRepo:
    team: web
    account: "111122223333"
    pipelines: [{ name: website, branches: [main] }]
`), HOME);
    const { deps, deployments, pipelines } = setUp();
    const event = sampleEvent(CodeDeployStateEvent, 'codedeploy/deployment-failure.json');
    await handle(event, { ...deps, policy: placed });
    expect(deployments.askedAt).toEqual([{ account: event.account, region: event.region }]);
    expect(pipelines.reads).toEqual([`findActionExecution MyFirstPipeline ${DEPLOYMENT}`]);
  });
});
