import type { ActionsBlock, Button } from '@slack/types';
import { applyNotification, renderCard, type CardState } from '../../../../functions/notify-slack/card';
import { decisionNotification } from '../../../../functions/act-from-slack/act';
import { parsePolicy } from '../../../../shared/release-policy';
import shippedPolicy from '../../../../release-policy.yml';
import type { ReleaseNotification } from '../../../../shared/release-notification';
import type { Click } from '../../../../shared/slack-actions';
import { slackMessageAsText } from '../../../../infra/local/slack-message-text';

const policy = parsePolicy(`
teams: { platform: {} }
repositories:
  MyDemoRepo:
    team: platform
    pipelines:
      - name: MyFirstPipeline
        branches: [main]
        production: true
        actions:
          approve: { users: [U0ANA] }
          reject: { users: [U0ANA] }
          retry: { groups: [S0ONCALL] }
        stages:
          Deploy: { actions: { rollback: { users: [U0ANA] } } }
      - name: feature-preview
        branches: ["feature/**"]
`);

const EXECUTION = 'c53dbd42-d7b4-4e5f-8a8e-9d0a4cbb2d4c';
const base = (over: Partial<CardState> = {}): CardState => ({
  region: 'us-east-1',
  pipeline: { name: 'MyFirstPipeline', executionId: EXECUTION, result: 'STARTED' },
  stages: [],
  actions: [],
  builds: [],
  deployments: [],
  links: [],
  ...over,
});
const at = '2026-11-30T12:00:00Z';

/** The action buttons of the rendered card: id, label, value, and whether they ask first. */
function buttonsOf(card: CardState, withPolicy = policy) {
  const block = renderCard(card, withPolicy).blocks.find((candidate) => candidate.block_id === 'rc-actions') as ActionsBlock | undefined;
  return (block?.elements ?? []).map((element) => {
    const button = element as Button;
    return { id: button.action_id, label: button.text.text, value: JSON.parse(button.value ?? '{}') as unknown, confirms: button.confirm !== undefined };
  });
}

describe('the buttons on a card', () => {
  it('offers Approve and Reject (which asks first) on the waiting approval, naming its target and nothing secret', () => {
    const card = base({ stages: [{ name: 'Approval', state: 'STARTED', since: at }], actions: [{ id: 'Approval/ManualApproval', stage: 'Approval', action: 'ManualApproval', state: 'WAITING', at }] });
    const value = { pipeline: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Approval', action: 'ManualApproval' };
    expect(buttonsOf(card)).toEqual([
      { id: 'rc:approve', label: 'Approve', value, confirms: false },
      { id: 'rc:reject', label: 'Reject', value, confirms: true },
      { id: 'rc:decide', label: 'With a comment…', value, confirms: false },
    ]);
  });

  it('offers nothing once the approval has been decided', () => {
    const card = base({ stages: [{ name: 'Approval', state: 'SUCCEEDED', since: at }], actions: [{ id: 'Approval/ManualApproval', stage: 'Approval', action: 'ManualApproval', state: 'SUCCEEDED', at }] });
    expect(buttonsOf(card)).toEqual([]);
  });

  it('offers Retry on the failed stage of a failed execution, and Roll back (asking first) on the stage the policy names', () => {
    const card = base({
      pipeline: { name: 'MyFirstPipeline', executionId: EXECUTION, result: 'FAILED' },
      stages: [{ name: 'Source', state: 'SUCCEEDED', since: at }, { name: 'Build', state: 'SUCCEEDED', since: at }, { name: 'Deploy', state: 'FAILED', since: at }],
    });
    expect(buttonsOf(card)).toEqual([
      { id: 'rc:retry', label: 'Retry Deploy', value: { pipeline: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Deploy' }, confirms: false },
      { id: 'rc:rollback', label: 'Roll back Deploy', value: { pipeline: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Deploy' }, confirms: true },
    ]);
  });

  it('offers neither Retry nor Roll back while the execution runs', () => {
    const card = base({ stages: [{ name: 'Source', state: 'SUCCEEDED', since: at }, { name: 'Deploy', state: 'FAILED', since: at }] });
    expect(buttonsOf(card)).toEqual([]);
  });

  it('offers nothing on a pipeline the policy lets nobody act on', () => {
    const card = base({ pipeline: { name: 'feature-preview', executionId: EXECUTION, result: 'FAILED' }, stages: [{ name: 'Build', state: 'FAILED', since: at }], actions: [{ id: 'Approval/Gate', stage: 'Approval', action: 'Gate', state: 'WAITING', at }] });
    expect(buttonsOf(card)).toEqual([]);
  });

  it('offers Approve and Reject with the policy the project ships, which names the local stack\'s approvers', () => {
    const card = base({ actions: [{ id: 'Approval/ManualApproval', stage: 'Approval', action: 'ManualApproval', state: 'WAITING', at }] });
    const block = renderCard(card, shippedPolicy).blocks.find((candidate) => candidate.block_id === 'rc-actions') as ActionsBlock | undefined;
    expect(block?.elements.map((element) => (element as Button).action_id)).toEqual(['rc:approve', 'rc:reject', 'rc:decide']);
  });
});

describe('a decision made from Slack, on the card', () => {
  const waiting: ReleaseNotification = {
    id: 'waiting', kind: 'approval', severity: 'info', team: 'platform', at: '2026-11-30T11:50:00Z', region: 'us-east-1', result: 'STARTED',
    pipeline: { name: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Approval', action: 'ManualApproval' }, links: [],
  };
  const click: Click = {
    id: '1764504000.123456-U0ANA-approve', action: 'approve', target: { pipeline: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Approval', action: 'ManualApproval' },
    user: { id: 'U0ANA', name: 'ana' }, at: '2026-11-30T12:00:00.000Z',
  };
  // CodePipeline's own event for the action, a little after the decision
  const ended: ReleaseNotification = { ...waiting, id: 'ended', kind: 'action', result: 'SUCCEEDED', severity: 'success', at: '2026-11-30T12:00:01Z' };

  it.each([
    ['before CodePipeline\'s event', (decision: ReleaseNotification) => [waiting, decision, ended]],
    ['after it', (decision: ReleaseNotification) => [waiting, ended, decision]],
  ])('says who approved and when, and offers no more buttons, the decision coming %s', (_, order) => {
    const decision = decisionNotification(click, policy, 'us-east-1')!;
    const state = order(decision).reduce<CardState | undefined>(applyNotification, undefined)!;
    const text = slackMessageAsText(renderCard(state, policy).blocks);
    expect(text).toContain('👍 ManualApproval in Approval approved by <@U0ANA> from Slack at 12:00 UTC');
    expect(text).not.toContain('“');
    expect(text).not.toContain('waiting');
    expect(buttonsOf(state)).toEqual([]);
  });

  it('says who rejected, and is nothing for a retry', () => {
    const rejected = decisionNotification({ ...click, action: 'reject' }, policy, 'us-east-1')!;
    expect(rejected).toMatchObject({ kind: 'action', result: 'FAILED', severity: 'warning', decidedBy: { slackUser: 'U0ANA', decision: 'rejected' } });
    const state = [waiting, rejected].reduce<CardState | undefined>(applyNotification, undefined)!;
    expect(slackMessageAsText(renderCard(state, policy).blocks)).toContain('👎 ManualApproval in Approval rejected by <@U0ANA>');
    expect(decisionNotification({ ...click, action: 'retry' }, policy, 'us-east-1')).toBeUndefined();
    const commented = decisionNotification({ ...click, action: 'reject', comment: 'breaks <b>login</b>' }, policy, 'us-east-1')!;
    const withComment = [waiting, commented].reduce<CardState | undefined>(applyNotification, undefined)!;
    expect(JSON.stringify(renderCard(withComment, policy).blocks)).toContain('rejected by <@U0ANA> from Slack at 12:00 UTC: “breaks &lt;b&gt;login&lt;/b&gt;”');
  });
});
