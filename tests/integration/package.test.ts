import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { awsActionsIn } from '../support/bundles';
import { controlTowerReport } from '../support/control-tower';
import { specificationProblems } from '../support/resource-specification';

const ROOT = join(__dirname, '..', '..');
const SERVERLESS = join(ROOT, 'node_modules/serverless/bin/serverless.js');

type Resource = { Type: string; Properties: Record<string, any> };

// The shipped policy with a repository whose pipeline lives in a member account, in an
// organization: the package holds everything a central stack of many accounts has.
const MEMBER_ACCOUNT = '111122223333';
const ORGANIZATION = 'o-a1b2c3d4e5';

describe('serverless package', () => {
  const out = mkdtempSync(join(tmpdir(), 'rc-package-'));
  let resources: Record<string, Resource>;

  beforeAll(() => {
    const policyFile = join(out, 'release-policy.yml');
    writeFileSync(policyFile, `${readFileSync(join(ROOT, 'release-policy.yml'), 'utf8')}
  payments-api:
    team: platform
    account: "${MEMBER_ACCOUNT}"
    region: eu-west-1
    pipelines: [{ name: payments-prod, branches: [main], production: true }]
`);
    execFileSync(process.execPath, [SERVERLESS, 'package', '--stage', 'test', '--param', `organizationId=${ORGANIZATION}`, '--package', join(out, 'package')], {
      cwd: ROOT,
      stdio: 'pipe',
      env: { ...process.env, RC_RELEASE_POLICY: policyFile, RC_BUILD_DIR: relative(ROOT, join(out, '.esbuild')), AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '' },
    });
    resources = JSON.parse(readFileSync(join(out, 'package', 'cloudformation-template-update-stack.json'), 'utf8')).Resources;
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const ofType = (type: string) => Object.values(resources).filter((resource) => resource.Type === type);

  it('runs every function on nodejs24.x, arm64', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    }
  });

  it('routes GET /, GET /hello/{name} and POST /slack/interactions on an HTTP API', () => {
    expect(ofType('AWS::ApiGatewayV2::Api')[0]?.Properties.ProtocolType).toBe('HTTP');
    expect(ofType('AWS::ApiGatewayV2::Route').map((route) => route.Properties.RouteKey).sort()).toEqual(['GET /', 'GET /hello/{name}', 'POST /slack/interactions']);
  });

  it('throttles the API and logs its access', () => {
    const stage = ofType('AWS::ApiGatewayV2::Stage')[0]!.Properties;
    expect(stage.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(stage.DefaultRouteSettings.ThrottlingBurstLimit).toBeGreaterThan(0);
    expect(stage.AccessLogSettings.DestinationArn).toBeDefined();
  });

  it('sets a retention on every log group', () => {
    const groups = ofType('AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  it('names the metrics namespace in every function', () => {
    for (const fn of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe('ReleaseConductor');
    }
  });

  it('keeps the ledger encrypted, recoverable and expiring, and lets the functions use it alone', () => {
    const [table] = ofType('AWS::DynamoDB::Table');
    expect(table!.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    const statements = ofType('AWS::IAM::Role').flatMap((role) => role.Properties.Policies.flatMap((policy: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } }) => policy.PolicyDocument.Statement));
    const onTable = statements.filter((statement) => JSON.stringify(statement.Action).includes('dynamodb:'));
    expect(onTable.length).toBeGreaterThan(0);
    for (const statement of onTable) expect(statement.Resource).toEqual({ 'Fn::GetAtt': ['ReleaseLedger', 'Arn'] });
  });

  it("lets the functions publish to the topic alone, and notify-slack read only this stage's parameters; notify-slack hears our notifications only (on-alarm's too), never CloudWatch's raw alarm messages", () => {
    const statements = ofType('AWS::IAM::Role').flatMap((role) => role.Properties.Policies.flatMap((policy: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } }) => policy.PolicyDocument.Statement));
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['sns:Publish'], Resource: { Ref: 'ReleaseNotifications' } });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: { 'Fn::GetAtt': ['NotificationsKey', 'Arn'] } });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/release-conductor/test/*' } });
    const [subscription] = ofType('AWS::SNS::Subscription');
    expect(subscription!.Properties).toMatchObject({
      TopicArn: { Ref: 'ReleaseNotifications' },
      Protocol: 'lambda',
      FilterPolicy: { kind: ['push', 'pipeline', 'stage', 'action', 'approval', 'build', 'deployment', 'alarm'] },
    });
    const notifySlack = ofType('AWS::Lambda::Function').find((fn) => fn.Properties.FunctionName === 'release-conductor-test-notify-slack');
    expect(notifySlack!.Properties.Environment.Variables).toMatchObject({ SLACK_BOT_TOKEN_PARAMETER: '/release-conductor/test/slack-bot-token' });
    expect(JSON.stringify(notifySlack!.Properties.Environment.Variables)).not.toMatch(/xox[bp]-|hooks\.slack\.com/);
    // the token is read through the Parameters and Secrets extension, an arm64 layer like the function
    expect(notifySlack!.Properties.Layers).toEqual([expect.stringMatching(/^arn:aws:lambda:us-east-1:\d{12}:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:\d+$/)]);
  });

  // Adapter methods a function bundles but never calls (one adapter object serves several functions).
  const UNCALLED: Record<string, string[]> = {
    'on-push': ['codepipeline:GetPipelineExecution', 'codepipeline:ListActionExecutions', 'codepipeline:ListPipelineExecutions', 'dynamodb:Query'],
    'on-build': ['dynamodb:Query'],
    'on-deploy': ['codepipeline:StartPipelineExecution', 'codepipeline:GetPipelineExecution'],
    'notify-slack': ['dynamodb:Query'],
    // the Pipelines adapter (for the commit of an execution) and the source reader (for its author) come whole
    'act-from-slack': ['codepipeline:StartPipelineExecution', 'dynamodb:Query'],
    // the Pipelines adapter comes whole; on-alarm reads CodePipeline's list of executions only, and claims facts
    'on-alarm': ['codepipeline:StartPipelineExecution', 'codepipeline:GetPipelineExecution', 'codepipeline:ListActionExecutions', 'dynamodb:Query'],
    // the DynamoDB client comes from shared/adapters, beside the ledger adapter's queries; of the
    // clicks' module it calls the claim alone, not releaseIntent's delete (act-from-slack's)
    'slack-interactions': ['dynamodb:Query', 'dynamodb:DeleteItem'],
  };
  // Lambda, not the code, sends a failed asynchronous invocation to its SQS on-failure destination, with the function's role
  const DESTINATION: Record<string, string[]> = { 'act-from-slack': ['sqs:SendMessage'] };
  // the Parameters and Secrets extension (a layer) reads the Slack secrets for the code, with the function's role
  const EXTENSION: Record<string, string[]> = { 'notify-slack': ['ssm:GetParameter'], 'slack-interactions': ['ssm:GetParameter'], 'act-from-slack': ['ssm:GetParameter'] };

  it.each(['hello', 'on-push', 'on-build', 'on-deploy', 'on-pipeline', 'on-alarm', 'notify-slack', 'slack-interactions', 'act-from-slack'])('gives %s a role of its own with exactly the actions its code sends, scoped, no *', async (name) => {
    const fn = ofType('AWS::Lambda::Function').find((candidate) => candidate.Properties.FunctionName === `release-conductor-test-${name}`)!;
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const role = resources[roleId]!;
    // the role's own policies, and those attached to it (infra/organization.cjs)
    const attached = ofType('AWS::IAM::Policy').filter((policy) => policy.Properties.Roles.some((ref: { Ref: string }) => ref.Ref === roleId));
    const statements: { Action: string[]; Resource: unknown }[] = [...role.Properties.Policies, ...attached.map((policy) => policy.Properties)].flatMap((policy: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } }) => policy.PolicyDocument.Statement);
    const granted = new Set(statements.flatMap((statement) => statement.Action).filter((action) => !action.startsWith('logs:')));
    const sent = (await awsActionsIn(`functions/${name}/handler.ts`)).filter((action) => !UNCALLED[name]?.includes(action));
    // publishing to the KMS-encrypted topic takes the key too
    const expected = [...new Set([...sent, ...(sent.includes('sns:Publish') ? ['kms:GenerateDataKey', 'kms:Decrypt'] : []), ...(DESTINATION[name] ?? []), ...(EXTENSION[name] ?? [])])].sort();
    expect([...granted].sort()).toEqual(expected);
    for (const statement of statements) {
      for (const action of statement.Action) expect(action).not.toMatch(/\*/);
      expect(JSON.stringify(statement.Resource)).not.toBe('"*"');
    }
  }, 30_000);

  it('lets the functions that read and act on pipelines assume the member role in the accounts the policy names, and no other', () => {
    const [policy, ...others] = ofType('AWS::IAM::Policy');
    expect(others).toEqual([]);
    expect(policy!.Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: [{ 'Fn::Sub': `arn:\${AWS::Partition}:iam::${MEMBER_ACCOUNT}:role/release-conductor-test-member` }] },
    ]);
    const roleOf = (name: string) => ofType('AWS::Lambda::Function').find((fn) => fn.Properties.FunctionName === `release-conductor-test-${name}`)!.Properties.Role['Fn::GetAtt'][0];
    expect(policy!.Properties.Roles).toEqual(['on-push', 'on-pipeline', 'on-deploy', 'on-alarm', 'act-from-slack'].map((name) => ({ Ref: roleOf(name) })));
    // each pipeline's own grants name it where it lives
    const statements = ofType('AWS::IAM::Role').flatMap((role) => role.Properties.Policies?.flatMap((inline: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } }) => inline.PolicyDocument.Statement) ?? []);
    const starts = statements.find((statement) => statement.Action.includes('codepipeline:StartPipelineExecution'));
    expect(starts!.Resource).toContainEqual({ 'Fn::Sub': `arn:\${AWS::Partition}:codepipeline:eu-west-1:${MEMBER_ACCOUNT}:payments-prod` });
    expect(starts!.Resource).toContainEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:MyFirstPipeline' });
  });

  it("takes the organization's accounts' events on a bus of its own, with the default bus's rules, dead-letter queue and functions", () => {
    const [bus] = ofType('AWS::Events::EventBus');
    expect(bus!.Properties.Name).toBe('release-conductor-test-organization');
    expect(ofType('AWS::Events::EventBusPolicy')[0]!.Properties.Statement).toMatchObject({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION, 'events:source': ['aws.codecommit', 'aws.codebuild', 'aws.codedeploy', 'aws.codepipeline', 'aws.cloudwatch'] } },
    });
    const rules = ofType('AWS::Events::Rule');
    const onBus = (ruleOnBus: boolean) => rules.filter((rule) => (rule.Properties.EventBusName !== undefined) === ruleOnBus);
    const shape = (rule: Resource) => ({ pattern: rule.Properties.EventPattern, target: { ...rule.Properties.Targets[0], Id: undefined } });
    expect(onBus(true).map(shape)).toEqual(onBus(false).map(shape));
    expect(onBus(true)).toHaveLength(5);
    const permissions = ofType('AWS::Lambda::Permission').filter((permission) => permission.Properties.Principal === 'events.amazonaws.com');
    for (const id of Object.keys(resources).filter((key) => resources[key]!.Type === 'AWS::Events::Rule' && resources[key]!.Properties.EventBusName)) {
      expect(permissions).toContainEqual(expect.objectContaining({ Properties: expect.objectContaining({ SourceArn: { 'Fn::GetAtt': [id, 'Arn'] } }) }));
    }
  });

  it("passes AWS Control Tower's proactive controls, each exception suppressed in the template with its reason", () => {
    const report = controlTowerReport(JSON.parse(readFileSync(join(out, 'package', 'cloudformation-template-update-stack.json'), 'utf8')));
    expect(report.failures.size).toBeGreaterThan(0); // the controls ran and found the exceptions below
    expect(report.unsuppressed).toEqual([]);
    expect(report.unexplained).toEqual([]);
    // no exception is kept for a control that passes now
    expect(report.stale).toEqual([]);
  });

  it("follows CloudFormation's resource specification: types, property names, required properties, Ref and Fn::GetAtt targets", () => {
    const template = JSON.parse(readFileSync(join(out, 'package', 'cloudformation-template-update-stack.json'), 'utf8'));
    expect(specificationProblems(template)).toEqual([]);
  });

  it('encrypts the notifications topic with its own rotating key, and alarms to it', () => {
    expect(ofType('AWS::SNS::Topic')[0]!.Properties.KmsMasterKeyId).toEqual({ Ref: 'NotificationsKey' });
    expect(ofType('AWS::KMS::Key')[0]!.Properties.EnableKeyRotation).toBe(true);
    const alarms = ofType('AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThanOrEqual(7);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: 'ReleaseNotifications' }]);
  });

  it('puts the dashboard in the stack, reading from the stack\'s region', () => {
    const [dashboard] = ofType('AWS::CloudWatch::Dashboard');
    const body = JSON.parse(dashboard!.Properties.DashboardBody['Fn::Sub']);
    expect(body.widgets.length).toBeGreaterThan(0);
    for (const widget of body.widgets) expect(widget.properties.region).toBe('${AWS::Region}');
  });

  it('routes each event source to its function with the pattern in events/, retries and a dead-letter queue', () => {
    const rules = ofType('AWS::Events::Rule').map((rule) => rule.Properties);
    const patterns = ['codecommit-push', 'codebuild-build-state', 'codedeploy-deployment-state', 'codepipeline-execution-state'].map((name) =>
      JSON.parse(readFileSync(join(ROOT, 'events', `${name}.json`), 'utf8')),
    );
    expect(rules.map((rule) => rule.EventPattern)).toEqual(expect.arrayContaining(patterns));
    for (const rule of rules) {
      const [target] = rule.Targets;
      expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
      expect(target.DeadLetterConfig.Arn).toBeDefined();
    }
  });
});

describe('a release policy that is not valid', () => {
  it('stops serverless package with the file, the path in it and what was expected', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rc-policy-')), 'release-policy.yml');
    writeFileSync(file, 'teams: { platform: {} }\nrepositories:\n  MyDemoRepo:\n    team: platform\n    pipelines:\n      - name: MyFirstPipeline\n        branches: main\n');
    const run = spawnSync(process.execPath, [SERVERLESS, 'package', '--stage', 'test'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, RC_RELEASE_POLICY: file } });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`The release policy is not valid:\n  ${file}: repositories.MyDemoRepo.pipelines[0].branches: expected a list of branch globs`);
  });
});


describe('a stack in another region than the extension layer it names', () => {
  it('stops serverless package, naming the param to set and where the ARNs are listed', () => {
    const run = spawnSync(process.execPath, [SERVERLESS, 'package', '--stage', 'test', '--region', 'eu-west-1'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' } });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("The Parameters and Secrets extension's layer (param parametersSecretsExtensionLayer) is us-east-1's");
    expect(run.stderr).toContain('https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-integration-lambda-extensions.html');
  });
});
