import picomatch from 'picomatch';
import policy from '../../../release-policy.yml';
import { readToolchainTemplate } from '../../../infra/toolchain/template';

// The toolchain (infra/toolchain/toolchain.yml) must create what release-policy.yml names, in the
// shape on-push and on-pipeline start it: a pipeline on-push cannot find, a source action it cannot
// pin, or a variable the pipeline does not declare fails StartPipelineExecution in AWS.

type Action = { Name: string; ActionTypeId: { Category: string; Owner: string; Provider: string }; Configuration?: Record<string, any>; Namespace?: string };
type Stage = { Name: string; Actions: Action[] };

type Resource = { Type: string; Properties?: Record<string, any> };
const template = readToolchainTemplate() as ReturnType<typeof readToolchainTemplate> & { Resources: Record<string, Resource> };
const resources = Object.entries(template.Resources);
const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);
const NAME_PROPERTY: Record<string, string> = {
  'AWS::CodeCommit::Repository': 'RepositoryName',
  'AWS::CodeBuild::Project': 'Name',
  'AWS::CodeDeploy::Application': 'ApplicationName',
  'AWS::CodeDeploy::DeploymentGroup': 'DeploymentGroupName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CodePipeline::Pipeline': 'Name',
};

/** The name a property value comes to in AWS: a literal, a parameter's default, or the name of the resource it refers to. */
function nameOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const { Ref, 'Fn::GetAtt': getAtt } = (value ?? {}) as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  const id = Ref ?? (getAtt?.[1] === 'Name' ? getAtt[0] : undefined);
  if (id === undefined) return undefined;
  const parameter = template.Parameters?.[id];
  if (parameter) return parameter.Default as string | undefined;
  const resource = template.Resources[id];
  return resource && nameOf(resource.Properties?.[NAME_PROPERTY[resource.Type] ?? '']);
}

const named = (type: string, name: string): [string, Resource] | undefined => ofType(type).find(([, resource]) => nameOf(resource.Properties?.[NAME_PROPERTY[type]!]) === name);
const pipelines = new Map(ofType('AWS::CodePipeline::Pipeline').map(([, resource]) => [nameOf(resource.Properties!.Name)!, resource.Properties!]));
const stagesOf = (pipeline: string): Stage[] => pipelines.get(pipeline)?.Stages ?? [];
const actionsOf = (pipeline: string) => stagesOf(pipeline).flatMap((stage) => stage.Actions);
const rules = Object.entries(policy.repositories).flatMap(([repository, { pipelines: list }]) => list.map((rule) => ({ repository, rule })));

describe('the toolchain and release-policy.yml', () => {
  it.each(Object.keys(policy.repositories))('creates the repository %s', (repository) => {
    expect(named('AWS::CodeCommit::Repository', repository)).toBeDefined();
  });

  it.each(rules.map(({ repository, rule }) => [rule.name, repository, rule] as const))('creates %s, of the type the policy says, its source action first and reading %s', (name, repository, rule) => {
    const pipeline = pipelines.get(name);
    expect(pipeline).toBeDefined();
    expect(pipeline!.PipelineType).toBe(rule.pipelineType);
    // on-push pins the revision of this action (sourceRevisions); it must be a CodeCommit source of the policy's repository
    const [first] = stagesOf(name);
    const source = first?.Actions.find((action) => action.Name === rule.sourceAction);
    expect(source?.ActionTypeId).toMatchObject({ Category: 'Source', Owner: 'AWS', Provider: 'CodeCommit' });
    expect(nameOf(source!.Configuration!.RepositoryName)).toBe(repository);
  });

  it.each(rules.map(({ rule }) => [rule.name, rule] as const))('declares in %s every variable the policy passes, each with a default for starts that leave it out', (name, rule) => {
    const declared: { Name: string; DefaultValue?: unknown }[] = pipelines.get(name)?.Variables ?? [];
    expect(declared.map((variable) => variable.Name)).toEqual(expect.arrayContaining(Object.keys(rule.variables)));
    // a promotion leaves out a variable whose placeholder it cannot fill (the branch); CodePipeline then uses the default
    for (const variable of declared) expect(nameOf(variable.DefaultValue)).toEqual(expect.any(String));
  });

  it.each([...pipelines.keys()])('lets %s refer only to variables it declares and namespaces its actions set', (name) => {
    const declared = new Set((pipelines.get(name)!.Variables as { Name: string }[] | undefined)?.map((variable) => variable.Name));
    const namespaces = new Set(actionsOf(name).flatMap((action) => action.Namespace ?? []));
    const used = JSON.stringify(stagesOf(name)).matchAll(/#\{([^.}]+)\.([^}]+)\}/g);
    const unknown = [...used].filter(([, namespace, variable]) => (namespace === 'variables' ? !declared.has(variable!) : !namespaces.has(namespace!))).map(([reference]) => reference);
    expect(unknown).toEqual([]);
  });

  it('has only pipelines the policy starts, none detecting changes itself: one push, one execution each', () => {
    // with change detection off, a pipeline the policy does not name would never run on a push
    expect([...pipelines.keys()].sort()).toEqual(rules.map(({ rule }) => rule.name).sort());
    const sources = [...pipelines.keys()].flatMap((name) => actionsOf(name).filter((action) => action.ActionTypeId.Category === 'Source'));
    expect(sources.length).toBeGreaterThan(0);
    // CloudFormation's default for a CodeCommit source is to poll
    for (const source of sources) expect(source.Configuration?.PollForSourceChanges).toBe('false');
    for (const pipeline of pipelines.values()) expect(pipeline.Triggers).toBeUndefined();
    expect(ofType('AWS::Events::Rule')).toEqual([]);
  });

  it('builds a production pipeline from a branch its policy starts it for, and deploys it with CodeDeploy', () => {
    const production = rules.filter(({ rule }) => rule.production);
    expect(production.length).toBeGreaterThan(0);
    for (const { rule } of production) {
      const source = actionsOf(rule.name).find((action) => action.Name === rule.sourceAction)!;
      expect(picomatch.isMatch(nameOf(source.Configuration!.BranchName)!, rule.branches)).toBe(true);
      expect(actionsOf(rule.name).filter((action) => action.ActionTypeId.Provider === 'CodeDeploy')).toHaveLength(1);
    }
  });

  it('deploys to a group it declares, on the instance carrying its tag, watched by alarms it declares, rolled back on failure', () => {
    const deploys = [...pipelines.keys()].flatMap((name) => actionsOf(name).filter((action) => action.ActionTypeId.Provider === 'CodeDeploy'));
    expect(deploys.length).toBeGreaterThan(0);
    for (const { Configuration } of deploys) {
      const application = nameOf(Configuration!.ApplicationName)!;
      expect(named('AWS::CodeDeploy::Application', application)).toBeDefined();
      const [, group] = named('AWS::CodeDeploy::DeploymentGroup', nameOf(Configuration!.DeploymentGroupName)!)!;
      expect(nameOf(group.Properties!.ApplicationName)).toBe(application);
      const instanceTags = ofType('AWS::EC2::Instance').map(([, instance]) => instance.Properties!.Tags);
      for (const { Key, Value, Type } of group.Properties!.Ec2TagFilters as { Key: string; Value: string; Type: string }[]) {
        expect(Type).toBe('KEY_AND_VALUE');
        expect(instanceTags).toContainEqual(expect.arrayContaining([{ Key, Value }]));
      }
      const { AlarmConfiguration, AutoRollbackConfiguration } = group.Properties!;
      expect(AlarmConfiguration.Enabled).toBe(true);
      expect(AlarmConfiguration.Alarms.length).toBeGreaterThan(0);
      for (const alarm of AlarmConfiguration.Alarms) expect(named('AWS::CloudWatch::Alarm', nameOf(alarm.Name)!)).toBeDefined();
      expect(AutoRollbackConfiguration).toEqual({ Enabled: true, Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']) });
    }
  });

  it("gives each role the artifacts of its own pipelines only, and the instance those of the pipeline that deploys to it", () => {
    // CodePipeline keeps a pipeline's artifacts under a folder named after it: a renamed pipeline must take its permissions along
    const prefixes = (id: string) =>
      [...JSON.stringify(template.Resources[id]!.Properties!.Policies).matchAll(/\$\{ArtifactBucket\.Arn\}\/([^/"]+)\/\*/g)].map(([, prefix]) => prefix).sort();
    const roleOf = (pipeline: string) => (pipelines.get(pipeline)!.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    for (const name of pipelines.keys()) expect(prefixes(roleOf(name))).toEqual([name]);
    expect(prefixes('BuildRole')).toEqual([...pipelines.keys()].sort());
    const deploying = [...pipelines.keys()].filter((name) => actionsOf(name).some((action) => action.ActionTypeId.Provider === 'CodeDeploy'));
    expect(prefixes('InstanceRole')).toEqual(deploying);
  });
});
