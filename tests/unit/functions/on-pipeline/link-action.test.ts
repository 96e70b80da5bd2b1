import { linkAction } from '../../../../functions/on-pipeline/link-action';
import { ActionExecutionEvent } from '../../../../shared/events';
import { memoryLedger, memoryPipelines, type ListedAction } from '../../../support/fakes';
import { sampleEvent } from '../../../support/samples';

const EXECUTION = '01234567-0123-0123-0123-012345678901';
const BUILD_ID = 'my-sample-project:8745a7a9-c340-456a-9166-edf953571bEX';
const CODEBUILD = { owner: 'AWS', provider: 'CodeBuild', category: 'Build', version: '1' };
const MANUAL = { owner: 'AWS', provider: 'Manual', category: 'Approval', version: '1' };

const action = (file: string, detail: Record<string, unknown> = {}) => sampleEvent(ActionExecutionEvent, `codepipeline/${file}.json`, (event) => Object.assign(event.detail, detail));

function setUp(actions: ListedAction[] = []) {
  return { pipelines: memoryPipelines({ actions }), ledger: memoryLedger() };
}

describe('linkAction', () => {
  it("ties a CodeDeploy action's deployment to its execution with the id the event gives, reading no action list", async () => {
    const { pipelines, ledger } = setUp();
    const link = { kind: 'deployment', id: 'd-123456789', pipeline: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Prod', action: 'myAction' };
    expect(await linkAction(action('action-failed'), pipelines, ledger)).toEqual(link);
    expect(pipelines.reads).toEqual([]);
    expect(await ledger.executionOf('deployment', 'd-123456789')).toEqual({ pipeline: 'MyFirstPipeline', executionId: EXECUTION });
  });

  it("takes the build of a CodeBuild action from its execution's action list when the event names none: the action of that stage and name", async () => {
    const { pipelines, ledger } = setUp([
      { pipeline: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Test', action: 'Build', externalExecutionId: 'my-sample-project:tests' },
      { pipeline: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Build', action: 'Build', externalExecutionId: BUILD_ID },
    ]);
    const link = await linkAction(action('action-succeeded', { stage: 'Build', action: 'Build', type: CODEBUILD, 'execution-result': undefined }), pipelines, ledger);
    expect(link).toEqual({ kind: 'build', id: BUILD_ID, pipeline: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Build', action: 'Build' });
    expect(pipelines.reads).toEqual([`actionExecutions MyFirstPipeline ${EXECUTION}`]);
    expect(await ledger.executionOf('build', BUILD_ID)).toEqual({ pipeline: 'MyFirstPipeline', executionId: EXECUTION });
    expect(await ledger.executionOf('build', 'my-sample-project:tests')).toBeUndefined();
  });

  it('ties nothing when neither the event nor the action list names the build', async () => {
    const { pipelines, ledger } = setUp([{ pipeline: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Build', action: 'Build' }]);
    expect(await linkAction(action('action-failed', { stage: 'Build', action: 'Build', type: CODEBUILD, 'execution-result': undefined }), pipelines, ledger)).toBeUndefined();
    expect(pipelines.reads).toHaveLength(1);
  });

  it.each([
    ['a CodeDeploy action that has just started', action('action-started')],
    ['an abandoned CodeDeploy action', action('action-failed', { state: 'ABANDONED' })],
    ['a manual approval', action('action-failed', { type: MANUAL })],
    ['an action of no known type', action('action-failed', { type: undefined })],
  ])('ties nothing and reads nothing for %s', async (_, event) => {
    const { pipelines, ledger } = setUp([{ pipeline: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Prod', action: 'myAction', externalExecutionId: 'd-123456789' }]);
    expect(await linkAction(event, pipelines, ledger)).toBeUndefined();
    expect(pipelines.reads).toEqual([]);
    expect(await ledger.executionOf('deployment', 'd-123456789')).toBeUndefined();
  });
});
