import { act, type ActPorts } from '../../../../functions/act-from-slack/act';
import { parsePolicy } from '../../../../shared/release-policy';
import type { PipelineControl } from '../../../../shared/ports';
import type { Click } from '../../../../shared/slack-actions';
import { memoryClicks } from '../../../support/fakes';

const policy = parsePolicy(`
people: { "ana@example.com": U0ANA, "Bob@Example.com": U0BOB }
teams: { platform: {} }
repositories:
  MyDemoRepo:
    team: platform
    pipelines:
      - name: MyFirstPipeline
        branches: [main]
        production: true
        actions:
          approve: { users: [U0ANA, U0BOB], groups: [S0RELEASE] }
          reject: { users: [U0ANA, U0BOB] }
          rollback: { users: [U0ANA] }
        stages:
          Deploy: { actions: { retry: { groups: [S0ONCALL] } } }
`);

const EXECUTION = 'c53dbd42-d7b4-4e5f-8a8e-9d0a4cbb2d4c';
const click = (over: Partial<Click> & { user?: Click['user'] } = {}): Click => ({
  id: `1700000000.000${Math.random().toString().slice(2, 8)}-${over.user?.id ?? 'U0ANA'}-${over.action ?? 'approve'}`,
  action: 'approve',
  target: { pipeline: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Approval', action: 'ManualApproval' },
  user: { id: 'U0ANA', name: 'ana' },
  at: '2026-11-30T12:00:00.000Z',
  ...over,
});

function setUp(over: Partial<ActPorts> = {}) {
  const calls: { call: string; request: unknown }[] = [];
  const control: PipelineControl = {
    decide: async (request) => (calls.push({ call: 'decide', request }), { done: true, detail: request.approved ? 'approved' : 'rejected' }),
    retry: async (request) => (calls.push({ call: 'retry', request }), { done: true, detail: 'retrying the failed actions' }),
    rollback: async (request) => (calls.push({ call: 'rollback', request }), { done: true, detail: 'rolling back' }),
  };
  const now = () => new Date('2026-11-30T12:00:00Z');
  const clicks = memoryClicks(now);
  const groups: Record<string, string[]> = { U0CAROL: ['S0RELEASE'], U0DAVE: ['S0ONCALL'] };
  const ports: ActPorts = {
    policy,
    control,
    clicks,
    people: { groupsOfUser: async (user, asked) => (groups[user] ?? []).filter((group) => asked.includes(group)) },
    pipelines: { executionRevision: async () => ({ commitId: 'c0ffee', variables: {} }) },
    source: { getCommit: async (_repository, commitId) => ({ commitId, author: 'Bob', authorEmail: 'bob@example.com', message: 'fix' }) },
    now,
    ...over,
  };
  return { ports, calls, clicks };
}

describe('act', () => {
  it('approves for a person the policy names, with a summary naming them, and audits it', async () => {
    const { ports, calls, clicks } = setUp();
    const result = await act(click(), ports);
    expect(result).toEqual({ allowed: true, done: true, message: `✅ You approved MyFirstPipeline / Approval / ManualApproval (execution ${EXECUTION}): approved.` });
    expect(calls).toEqual([{ call: 'decide', request: { pipeline: 'MyFirstPipeline', stage: 'Approval', action: 'ManualApproval', executionId: EXECUTION, approved: true, summary: 'Approved from Slack by ana (Slack U0ANA) at 2026-11-30T12:00:00.000Z' } }]);
    expect(clicks.audits).toEqual([expect.objectContaining({ user: 'U0ANA', action: 'approve', pipeline: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Approval', approvalAction: 'ManualApproval', allowed: true, outcome: 'approved' })]);
  });

  it('approves for a member of a group the policy names', async () => {
    const { ports, calls } = setUp();
    expect((await act(click({ user: { id: 'U0CAROL' } }), ports)).done).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it.each([
    ['a person the policy does not name', click({ user: { id: 'U0EVE' } }), 'you are not among the people release-policy.yml lets approve MyFirstPipeline / Approval'],
    ['the author of the change (emails compared without case)', click({ user: { id: 'U0BOB' } }), 'you wrote this change: someone else must approve it'],
    ['an action the policy offers nobody on that pipeline', click({ action: 'retry', target: { pipeline: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Build' } }), 'release-policy.yml lets nobody retry MyFirstPipeline / Build from Slack'],
    ['a pipeline the policy does not know', click({ target: { pipeline: 'Other', executionId: EXECUTION, stage: 'Approval', action: 'ManualApproval' } }), 'release-policy.yml lets nobody approve Other / Approval from Slack'],
    ['a group member where the stage names another group', click({ action: 'retry', user: { id: 'U0CAROL' }, target: { pipeline: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Deploy' } }), 'you are not among the people release-policy.yml lets retry MyFirstPipeline / Deploy'],
  ])('refuses %s, sends nothing and audits the refusal', async (_, pressed, reason) => {
    const { ports, calls, clicks } = setUp();
    const result = await act(pressed, ports);
    expect(result.allowed).toBe(false);
    expect(result.message).toContain(reason);
    expect(calls).toEqual([]);
    expect(clicks.audits).toEqual([expect.objectContaining({ allowed: false, outcome: reason, user: pressed.user.id })]);
  });

  it("approves on a pipeline whose source is a connection without asking CodeCommit for the author, whom CodePipeline does not give", async () => {
    const connected = parsePolicy(`
people: { "bob@example.com": U0BOB }
teams: { platform: {} }
repositories:
  octo-org/website:
    team: platform
    pipelines: [{ name: website, branches: [main], sourceProvider: CodeStarSourceConnection, actions: { approve: { users: [U0BOB] } } }]
`);
    const asked: string[] = [];
    const { ports, calls } = setUp({
      policy: connected,
      source: { getCommit: async (repository) => (asked.push(repository), Promise.reject(new Error(`RepositoryDoesNotExistException: ${repository}`))) },
    });
    const pressed = click({ user: { id: 'U0BOB' }, target: { pipeline: 'website', executionId: EXECUTION, stage: 'Approval', action: 'ManualApproval' } });
    expect(await act(pressed, ports)).toMatchObject({ allowed: true, done: true });
    expect(asked).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it('lets the author reject their own change', async () => {
    const { ports } = setUp();
    expect((await act(click({ action: 'reject', user: { id: 'U0BOB' } }), ports)).done).toBe(true);
  });

  it('acts once on a double click, and once on approve and reject pressed together', async () => {
    const { ports, calls } = setUp();
    const results = await Promise.all([act(click(), ports), act(click(), ports), act(click({ action: 'reject', user: { id: 'U0BOB' } }), ports)]);
    expect(calls).toHaveLength(1);
    expect(results.filter((result) => result.done)).toHaveLength(1);
    expect(results.filter((result) => !result.done).map((result) => result.message)).toEqual([expect.stringContaining('someone is already acting on it'), expect.stringContaining('someone is already acting on it')]);
  });

  it('acts again for the same press when Lambda retries it after a fault', async () => {
    const { ports, calls } = setUp();
    const pressed = click();
    let failures = 1;
    const decide = ports.control.decide;
    ports.control.decide = async (request) => {
      if (failures-- > 0) throw new Error('ThrottlingException');
      return decide(request);
    };
    await expect(act(pressed, ports)).rejects.toThrow('ThrottlingException');
    expect((await act(pressed, ports)).done).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('frees the action when CodePipeline refuses, so the next press is answered on its own merits', async () => {
    const { ports, clicks } = setUp({});
    ports.control.decide = async () => ({ done: false, reason: 'the approval is no longer waiting (decided, expired or superseded)' });
    const result = await act(click(), ports);
    expect(result).toMatchObject({ allowed: true, done: false, message: expect.stringContaining('the approval is no longer waiting') });
    expect(clicks.intents.size).toBe(0);
    expect(clicks.audits[0]).toMatchObject({ allowed: true, outcome: 'the approval is no longer waiting (decided, expired or superseded)' });
  });

  it('retries the failed actions for the on-call group on the stage it names, and rolls back for the person named', async () => {
    const { ports, calls } = setUp();
    await act(click({ action: 'retry', user: { id: 'U0DAVE' }, target: { pipeline: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Deploy' } }), ports);
    await act(click({ action: 'rollback', target: { pipeline: 'MyFirstPipeline', executionId: EXECUTION, stage: 'Deploy' } }), ports);
    expect(calls).toEqual([
      { call: 'retry', request: { pipeline: 'MyFirstPipeline', stage: 'Deploy', executionId: EXECUTION } },
      { call: 'rollback', request: { pipeline: 'MyFirstPipeline', stage: 'Deploy', executionId: EXECUTION } },
    ]);
  });

  it('asks Slack about groups only when the person is not named in person', async () => {
    const asked: string[] = [];
    const { ports } = setUp({ people: { groupsOfUser: async (user) => (asked.push(user), []) } });
    await act(click(), ports);
    expect(asked).toEqual([]);
    await act(click({ user: { id: 'U0EVE' } }), ports);
    expect(asked).toEqual(['U0EVE']);
  });
});
