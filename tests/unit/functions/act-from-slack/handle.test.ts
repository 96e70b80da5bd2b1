import { handle, type ActFromSlackDeps } from '../../../../functions/act-from-slack/handle';
import { parsePolicy } from '../../../../shared/release-policy';
import type { ReleaseNotification } from '../../../../shared/release-notification';
import type { Click } from '../../../../shared/slack-actions';
import { captureOutput } from '../../../support/lambda-context';

const policy = parsePolicy(`
teams: { platform: {} }
repositories:
  MyDemoRepo:
    team: platform
    pipelines:
      - name: MyFirstPipeline
        branches: [main]
        actions: { approve: { users: [U0ANA] }, retry: { users: [U0ANA] } }
`);
const click: Click = {
  id: '1764504000.123456-U0ANA-approve', action: 'approve', target: { pipeline: 'MyFirstPipeline', executionId: 'e1', stage: 'Approval', action: 'ManualApproval' },
  user: { id: 'U0ANA', name: 'ana' }, responseUrl: 'https://hooks.slack.com/actions/T0/1/x', at: '2026-11-30T12:00:00.000Z',
};

function setUp(over: Partial<ActFromSlackDeps> = {}) {
  const published: ReleaseNotification[] = [];
  const answers: string[] = [];
  const ports: ActFromSlackDeps = {
    policy,
    control: { decide: async () => ({ done: true, detail: 'approved' }), retry: async () => ({ done: false, reason: 'the stage cannot be retried now' }), rollback: async () => ({ done: true, detail: '' }) },
    clicks: { claimClick: async () => true, claimIntent: async () => true, releaseIntent: async () => undefined, audit: async () => undefined },
    people: {
      groupsOfUser: async () => [],
      answer: async (_url, text) => void answers.push(text),
      answerInChannel: async (channel, user, text) => void answers.push(`${channel}/${user}: ${text}`),
    },
    pipelines: { executionRevision: async () => undefined },
    source: { getCommit: async () => { throw new Error('no commit is read without a revision'); } },
    notifications: { publish: async (notifications) => void published.push(...notifications) },
    region: 'us-east-1',
    now: () => new Date('2026-11-30T12:00:00Z'),
    ...over,
  };
  return { ports, published, answers };
}

describe('act-from-slack', () => {
  it('answers the person and puts a decision on the card', async () => {
    const { ports, published, answers } = setUp();
    await handle(click, ports);
    expect(answers).toEqual([expect.stringMatching(/^✅ You approved/)]);
    expect(published).toEqual([expect.objectContaining({ id: `${click.id}/decision`, kind: 'action', result: 'SUCCEEDED', team: 'platform', decidedBy: { slackUser: 'U0ANA', name: 'ana', decision: 'approved' } })]);
  });

  it('audits each press in one log line: who, what, on which execution, and what the person was told', async () => {
    const { ports } = setUp();
    const { lines } = await captureOutput(() => handle(click, ports));
    expect(lines.find((line) => line.message === 'slack action')).toMatchObject({ user: 'U0ANA', action: 'approve', pipeline: 'MyFirstPipeline', executionId: 'e1', allowed: true, done: true, answer: expect.stringMatching(/^✅ You approved/) });
  });

  it('puts nothing on the card when CodePipeline said not now, and tells the person why', async () => {
    const { ports, published, answers } = setUp();
    await handle({ ...click, action: 'retry', target: { pipeline: 'MyFirstPipeline', executionId: 'e1', stage: 'Deploy' } }, ports);
    expect(published).toEqual([]);
    expect(answers).toEqual([expect.stringContaining('the stage cannot be retried now')]);
  });

  it('does not fail (and so does not act again) when Slack or the topic cannot be reached after acting', async () => {
    const decided: unknown[] = [];
    const { ports } = setUp({
      people: { groupsOfUser: async () => [], answer: async () => Promise.reject(new Error('response_url answered 404')), answerInChannel: async () => undefined },
      notifications: { publish: async () => Promise.reject(new Error('SNS unavailable')) },
    });
    ports.control.decide = async (request) => (decided.push(request), { done: true, detail: 'approved' });
    await expect(handle(click, ports)).resolves.toMatchObject({ done: true });
    expect(decided).toHaveLength(1);
  });

  it('answers a modal\'s submission in the card\'s channel, only to the person, and carries the comment to CodePipeline and the card', async () => {
    const { ports, published, answers } = setUp();
    const summaries: string[] = [];
    ports.control.decide = async (request) => (summaries.push(request.summary), { done: true, detail: 'approved' });
    await handle({ ...click, id: 'V0MODAL-U0ANA-approve', responseUrl: undefined, channel: 'C00000001', comment: 'checked on staging' }, ports);
    expect(answers).toEqual([expect.stringMatching(/^C00000001\/U0ANA: ✅ You approved/)]);
    expect(summaries).toEqual(['Approved from Slack by ana (Slack U0ANA) at 2026-11-30T12:00:00.000Z: checked on staging']);
    expect(published[0]!.decidedBy).toEqual({ slackUser: 'U0ANA', name: 'ana', decision: 'approved', comment: 'checked on staging' });
  });

  it('drops an event that is not a press, acting on nothing', async () => {
    const { ports, answers } = setUp();
    expect(await handle({ ...click, action: 'deploy' }, ports)).toEqual({ malformed: true });
    expect(answers).toEqual([]);
  });
});
