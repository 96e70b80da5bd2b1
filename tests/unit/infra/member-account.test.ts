import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplate } from '../../../infra/toolchain/template';
import { controlTowerReport } from '../../support/control-tower';
import { specificationProblems } from '../../support/resource-specification';

// We cannot deploy to an organization here: the member template is held to AWS's published facts,
// and to what the central stack's functions do.
const ROOT = join(__dirname, '..', '..', '..');
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Principal?: unknown; Condition?: unknown };
type Resource = { Type: string; Properties: Record<string, any> };
const template = parseTemplate(readFileSync(join(ROOT, 'infra', 'member-account.yml'), 'utf8')) as { Resources: Record<string, Resource> };
const serverless = parseTemplate(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as unknown as { custom: { iam: Record<string, Statement> } };
const actions = (statements: Statement[]) => statements.flatMap((statement) => [statement.Action].flat());
const pattern = (file: string) => JSON.parse(readFileSync(join(ROOT, 'events', file), 'utf8')) as { source: string[]; 'detail-type': string[] };

describe('the member account template', () => {
  it("follows CloudFormation's resource specification", () => {
    expect(specificationProblems(template)).toEqual([]);
  });

  it("passes AWS Control Tower's proactive controls", () => {
    const report = controlTowerReport(template);
    expect(report.unsuppressed).toEqual([]);
    expect(report.unexplained).toEqual([]);
    expect(report.stale).toEqual([]);
  });

  it('forwards every event the central stack\'s rules hear, and nothing else', () => {
    const central = ['codecommit-push.json', 'codebuild-build-state.json', 'codedeploy-deployment-state.json', 'codepipeline-execution-state.json', 'cloudwatch-alarm-state.json'].map(pattern);
    const { EventPattern } = template.Resources.ForwardToCentralBus!.Properties;
    expect([...EventPattern.source].sort()).toEqual(central.flatMap((rule) => rule.source).sort());
    expect([...EventPattern['detail-type']].sort()).toEqual(central.flatMap((rule) => rule['detail-type']).sort());
  });

  it('lets the central functions do in the member account what their roles let them do in the central one, and trusts those roles alone', () => {
    const { MemberRole } = template.Resources;
    const granted = actions(MemberRole!.Properties.Policies.flatMap((policy: { PolicyDocument: { Statement: Statement[] } }) => policy.PolicyDocument.Statement));
    const central = actions(Object.values(serverless.custom.iam)).filter((action) => /^(codecommit|codepipeline|codedeploy):/.test(action));
    expect([...new Set(granted)].sort()).toEqual([...new Set(central)].sort());
    expect(MemberRole!.Properties.AssumeRolePolicyDocument.Statement).toEqual([{ Effect: 'Allow', Principal: { AWS: { Ref: 'CentralFunctionRoleArns' } }, Action: 'sts:AssumeRole' }]);
  });
});
