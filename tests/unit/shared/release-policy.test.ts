import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicy, PolicyError } from '../../../shared/release-policy';
import picomatch from 'picomatch';
import { findPipeline, memberAccounts, pipelinePlace, pipelinesAt, placePolicy, resolveVariables, teamProductionPipelines } from '../../../shared/policy-rules';

const problemsOf = (text: string) => {
  try {
    parsePolicy(text);
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
  throw new Error('expected the policy to be rejected');
};

const valid = `
teams: { platform: { slack: { channel: "#deploys" } } }
repositories:
  MyDemoRepo:
    team: platform
    pipelines:
      - name: MyFirstPipeline
        branches: [main]
        production: true
      - name: feature-preview
        branches: ["feature/**"]
        paths: ["services/web/**"]
        variables: { ENV: preview, BRANCH: "\${branch}" }
        promote: { to: MyFirstPipeline }
`;

const withBranches = (...globs: string[]) => valid.replace('branches: [main]', `branches: ${JSON.stringify(globs)}`);

describe('branch and path globs, which match names anyone who may push can choose', () => {
  it.each([
    ['release/*-*-*-*-*', 'expected at most two * in each part of a glob between slashes'],
    ['*-*-*', 'expected at most two * in each part of a glob between slashes'],
    ['**/a/**/b/**', 'expected at most two ** in a glob'],
    ['+(a|aa)*', 'expected a glob without extglobs'],
    ['x'.repeat(257), 'expected a glob of at most 256 characters'],
  ])('refuses %s at package time, naming the file and the path', (glob, problem) => {
    expect(problemsOf(withBranches('main', glob))).toEqual([expect.stringMatching(new RegExp(`^release-policy\\.yml: repositories\\.MyDemoRepo\\.pipelines\\[0\\]\\.branches\\[1\\]: ${problem.replace(/[*+()|]/g, '\\$&')}`))]);
  });

  it('matches the worst branch of 256 characters against the worst allowed globs in under 10 ms', () => {
    const worstAllowed = ['release/*-*', '*-*/*-*/*-*/*-*', '**/*-*/**/*-*', '**/*?-*?/**/*-*', 'release/**/*-*', `${'a'.repeat(200)}/*-*`];
    expect(() => parsePolicy(withBranches(...worstAllowed))).not.toThrow();
    // many separators, then a mismatch at the very end: what makes a backtracking matcher try every split
    const branches = ['-', '-/', 'a-', '/-', '--/', 'a/-'].flatMap((unit) => [`release/${unit.repeat(256)}`, unit.repeat(256)].flatMap((branch) => [`${branch.slice(0, 255)}!`, `${branch.slice(0, 254)}/a`]));
    const slowest = (glob: string) => {
      const isMatch = picomatch(glob);
      return Math.max(...branches.map((branch) => {
        const started = performance.now();
        isMatch(branch);
        return performance.now() - started;
      }));
    };
    expect(Math.max(...worstAllowed.map(slowest))).toBeLessThan(10);
    // the same branches against a glob the policy refuses
    expect(problemsOf(withBranches('release/*-*-*-*'))).toHaveLength(1);
    expect(slowest('release/*-*-*-*')).toBeGreaterThan(100);
  });
});

describe('parsePolicy', () => {
  it('reads the policy the project ships', () => {
    const policy = parsePolicy(readFileSync(join(__dirname, '../../../release-policy.yml'), 'utf8'));
    expect(Object.keys(policy.repositories)).toEqual(['MyDemoRepo']);
  });

  it('fills in defaults: V2, source action "Source" from CodeCommit, not production, no variables', () => {
    const rule = parsePolicy(valid).repositories.MyDemoRepo!.pipelines[0]!;
    expect(rule).toEqual({ name: 'MyFirstPipeline', branches: ['main'], production: true, pipelineType: 'V2', sourceAction: 'Source', sourceProvider: 'CodeCommit', variables: {} });
  });

  it.each([
    ['branches not a list', valid.replace('branches: [main]', 'branches: main'), 'release-policy.yml: repositories.MyDemoRepo.pipelines[0].branches: expected a list of branch globs, e.g. ["main", "feature/**"]'],
    ['an empty path list', valid.replace('paths: ["services/web/**"]', 'paths: []'), 'release-policy.yml: repositories.MyDemoRepo.pipelines[1].paths: expected at least one path glob'],
    ['a bad pipeline name', valid.replace('name: MyFirstPipeline', 'name: "My First Pipeline"'), 'release-policy.yml: repositories.MyDemoRepo.pipelines[0].name: expected a CodePipeline name: 1-100 of A-Z a-z 0-9 . @ - _'],
    ['an unknown team', valid.replace('team: platform', 'team: web'), 'release-policy.yml: repositories.MyDemoRepo.team: expected one of the teams: platform'],
    ['promotion to an unknown pipeline', valid.replace('to: MyFirstPipeline', 'to: Nowhere'), 'release-policy.yml: repositories.MyDemoRepo.pipelines[1].promote.to: expected another pipeline declared in this policy'],
    ['an unknown placeholder', valid.replace('${branch}', '${tag}'), 'release-policy.yml: repositories.MyDemoRepo.pipelines[1].variables.BRANCH: expected only the placeholders ${branch}, ${commitId}, ${shortCommitId}, ${repository}'],
    ['a misspelt key', valid.replace('production: true', 'prod: true'), 'release-policy.yml: repositories.MyDemoRepo.pipelines[0]: Unrecognized key: "prod"'],
    ['a pipeline type that is not V1 or V2', valid.replace('production: true', 'pipelineType: V3'), 'release-policy.yml: repositories.MyDemoRepo.pipelines[0].pipelineType: expected V1 or V2'],
  ])('rejects %s, naming the file, the path and what was expected', (_, text, problem) => {
    expect(problemsOf(text)).toContain(problem);
  });

  it('names the line and column of a YAML syntax error', () => {
    expect(problemsOf('teams: {\nrepositories: [')[0]).toMatch(/^release-policy\.yml:\d+:\d+: /);
  });

  it('names the file it was given', () => {
    expect(problemsOf('teams: 3')[0]).toMatch(/^release-policy\.yml: teams: /);
    expect(() => parsePolicy('teams: 3', 'policies/prod.yml')).toThrow(/^policies\/prod\.yml: teams: /);
  });
});

describe('who may act from Slack', () => {
  const withActions = (actions: string, extra = '') =>
    `people: { "ana@example.com": U0ANA }\n${valid.replace('production: true', `production: true\n        actions: ${actions}${extra}`)}`;

  it('reads who may approve, reject, retry and roll back, per pipeline and per stage, and the people map', () => {
    const policy = parsePolicy(withActions('{ approve: { users: [U0ANA], groups: [S0RELEASE] }, rollback: { users: [U0BOB] } }', '\n        stages: { Deploy: { actions: { retry: { groups: [S0ONCALL] } } } }'));
    const rule = policy.repositories.MyDemoRepo!.pipelines[0]!;
    expect(rule.actions).toEqual({ approve: { users: ['U0ANA'], groups: ['S0RELEASE'] }, rollback: { users: ['U0BOB'], groups: [] } });
    expect(rule.stages).toEqual({ Deploy: { actions: { retry: { users: [], groups: ['S0ONCALL'] } } } });
    expect(policy.people).toEqual({ 'ana@example.com': 'U0ANA' });
  });

  it.each([
    ['a display name for a user', withActions('{ approve: { users: ["@ana"] } }'), 'release-policy.yml: repositories.MyDemoRepo.pipelines[0].actions.approve.users[0]: expected a Slack user id such as U012AB3CD (a member ID, not a display name)'],
    ['a user id for a group', withActions('{ approve: { groups: [U0ANA] } }'), 'release-policy.yml: repositories.MyDemoRepo.pipelines[0].actions.approve.groups[0]: expected a Slack user group id such as S0614TZR7'],
    ['an action nobody may take', withActions('{ approve: {} }'), 'release-policy.yml: repositories.MyDemoRepo.pipelines[0].actions.approve: expected at least one user or group'],
    ['an unknown action', withActions('{ deploy: { users: [U0ANA] } }'), 'release-policy.yml: repositories.MyDemoRepo.pipelines[0].actions: Unrecognized key: "deploy"'],
    ['a people key that is not an email', `people: { ana: U0ANA }\n${valid}`, 'release-policy.yml: people.ana: expected a commit author email as the key, such as "ana@example.com"'],
    ['a roll back outside production', valid.replace('promote: { to: MyFirstPipeline }', 'promote: { to: MyFirstPipeline }\n        actions: { rollback: { users: [U0ANA] } }'), "release-policy.yml: repositories.MyDemoRepo.pipelines[1].actions.rollback: expected rollback only on a production V2 pipeline (CodePipeline's RollbackStage is V2's)"],
    ['a roll back on a V1 pipeline', withActions('{ rollback: { users: [U0ANA] } }').replace('production: true', 'production: true\n        pipelineType: V1'), "release-policy.yml: repositories.MyDemoRepo.pipelines[0].actions.rollback: expected rollback only on a production V2 pipeline (CodePipeline's RollbackStage is V2's)"],
  ])('rejects %s, naming the file, the path and what was expected', (_, text, problem) => {
    expect(problemsOf(text)).toContain(problem);
  });
});

describe('policy rules', () => {
  const policy = parsePolicy(valid);

  it('finds a pipeline with its repository and team', () => {
    expect(findPipeline(policy, 'feature-preview')).toMatchObject({ repository: 'MyDemoRepo', team: 'platform', rule: { name: 'feature-preview' } });
    expect(findPipeline(policy, 'nope')).toBeUndefined();
  });

  it('fills placeholders and leaves out a variable whose placeholder has no value', () => {
    const rule = findPipeline(policy, 'feature-preview')!.rule;
    expect(resolveVariables(rule, { branch: 'feature/x' })).toEqual([
      { name: 'ENV', value: 'preview' },
      { name: 'BRANCH', value: 'feature/x' },
    ]);
    expect(resolveVariables(rule, {})).toEqual([{ name: 'ENV', value: 'preview' }]);
  });

  it("gives each team its repositories' production pipelines, once each, and leaves out a team without any", () => {
    const teams = parsePolicy(`
teams: { web: {}, data: {}, docs: {} }
repositories:
  site:
    team: web
    pipelines: [{ name: site-prod, branches: [main], production: true }, { name: site-preview, branches: ["feature/**"] }]
  api:
    team: web
    pipelines: [{ name: api-prod, branches: [main], production: true }, { name: site-prod, branches: [release], production: true }]
  warehouse:
    team: data
    pipelines: [{ name: etl-prod, branches: [main], production: true }]
  handbook:
    team: docs
    pipelines: [{ name: handbook-preview, branches: [main] }]
`);
    expect(teamProductionPipelines(teams)).toEqual([
      { team: 'web', pipelines: ['site-prod', 'api-prod'] },
      { team: 'data', pipelines: ['etl-prod'] },
    ]);
  });
});

describe('where repositories and pipelines live', () => {
  const organization = `
teams: { platform: {}, payments: {} }
repositories:
  MyDemoRepo:
    team: platform
    pipelines:
      - { name: MyFirstPipeline, branches: [main], production: true }
      - { name: eu-copy, branches: [main], region: eu-west-1 }
  payments-api:
    team: payments
    account: "111122223333"
    region: eu-central-1
    pipelines:
      - { name: payments-prod, branches: [main], production: true }
      - { name: payments-dr, branches: [main], account: "444455556666", region: us-west-2 }
`;
  const HOME = { account: '123456789012', region: 'us-east-1' };

  it('places each pipeline where it says, else where its repository is, else in the stack\'s own account and region', () => {
    const policy = placePolicy(parsePolicy(organization), HOME);
    const placeOf = (name: string) => ({ account: findPipeline(policy, name)?.rule.account, region: findPipeline(policy, name)?.rule.region });
    expect(placeOf('MyFirstPipeline')).toEqual(HOME);
    expect(placeOf('eu-copy')).toEqual({ account: HOME.account, region: 'eu-west-1' });
    expect(placeOf('payments-prod')).toEqual({ account: '111122223333', region: 'eu-central-1' });
    expect(placeOf('payments-dr')).toEqual({ account: '444455556666', region: 'us-west-2' });
    expect(memberAccounts(parsePolicy(organization))).toEqual(['111122223333', '444455556666']);
  });

  it('finds a pipeline for an event only from where it lives: another account\'s pipeline of the same name is not ours', () => {
    const policy = placePolicy(parsePolicy(organization), HOME);
    expect(findPipeline(policy, 'payments-prod', { account: '111122223333', region: 'eu-central-1' })?.team).toBe('payments');
    expect(findPipeline(policy, 'payments-prod', { account: '999999999999', region: 'eu-central-1' })).toBeUndefined();
    expect(findPipeline(policy, 'payments-prod', { account: '111122223333', region: 'us-east-1' })).toBeUndefined();
    expect(findPipeline(policy, 'MyFirstPipeline', HOME)?.team).toBe('platform');
    expect(findPipeline(policy, 'MyFirstPipeline', { account: '111122223333', region: 'us-east-1' })).toBeUndefined();
    expect(pipelinesAt(policy, { account: '111122223333', region: 'eu-central-1' })).toEqual(['payments-prod']);
  });

  it('says what an account and a region look like', () => {
    expect(problemsOf(organization.replace('account: "111122223333"', 'account: 111122223333'))).toEqual([
      'release-policy.yml: repositories.payments-api.account: expected a 12-digit AWS account id in quotes, such as "111122223333" (unquoted, YAML reads it as a number)',
    ]);
    expect(problemsOf(organization.replace('account: "444455556666"', 'account: "4444"'))).toEqual([
      'release-policy.yml: repositories.payments-api.pipelines[1].account: expected a 12-digit AWS account id, such as "111122223333"',
    ]);
    expect(problemsOf(organization.replace('region: eu-central-1', 'region: Frankfurt'))).toEqual(['release-policy.yml: repositories.payments-api.region: expected an AWS region code, such as eu-west-1']);
  });

  it('refuses one pipeline name in two places: the ledger, the metrics and the cards know a pipeline by its name', () => {
    const twice = `${organization}  other-repo:
    team: payments
    pipelines:
      - { name: payments-prod, branches: [main], account: "999999999999" }
`;
    expect(problemsOf(twice)).toEqual([
      'release-policy.yml: repositories.other-repo.pipelines[0].name: expected one pipeline of this name: it is also declared in 111122223333 eu-central-1, and the ledger, the metrics and the cards know a pipeline by its name',
    ]);
    // several repositories may feed one pipeline where it is
    expect(() => parsePolicy(twice.replace('account: "999999999999"', 'account: "111122223333", region: eu-central-1'))).not.toThrow();
  });
});

describe('where the policy says a pipeline lives, before the stack places the rest', () => {
  it('takes a pipeline\'s place from its repository where the pipeline says none', () => {
    const policy = parsePolicy(`
teams: { payments: {} }
repositories:
  payments-api:
    team: payments
    account: "111122223333"
    region: eu-central-1
    pipelines:
      - { name: payments-prod, branches: [main] }
      - { name: payments-dr, branches: [main], region: us-west-2 }
`);
    expect(pipelinePlace(policy, 'payments-prod')).toEqual({ account: '111122223333', region: 'eu-central-1' });
    expect(pipelinePlace(policy, 'payments-dr')).toEqual({ account: '111122223333', region: 'us-west-2' });
    expect(pipelinePlace(policy, 'elsewhere')).toEqual({ account: undefined, region: undefined });
  });
});
