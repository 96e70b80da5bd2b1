// What the laptop's pipeline runner runs: the pipelines, build projects and deployment groups of the
// toolchain stack (infra/toolchain/toolchain.yml), read from the template itself, so the local run
// and the deployed toolchain cannot disagree about a stage, an action or a name.
import { readToolchainTemplate, type Template } from '../toolchain/template';

export interface ActionDefinition {
  name: string;
  /** Actions of a stage with the same runOrder run together; the next runOrder waits for them. */
  runOrder: number;
  category: string;
  owner: string;
  provider: string;
  version: string;
  configuration: Record<string, string>;
  inputArtifacts: string[];
  outputArtifacts: string[];
  namespace?: string;
}

export interface StageDefinition {
  name: string;
  actions: ActionDefinition[];
}

export interface PipelineDefinition {
  name: string;
  pipelineType: string;
  /** Declared variables with their defaults; a start's own values replace them. */
  variables: Record<string, string>;
  artifactBucket: string;
  stages: StageDefinition[];
}

export interface BuildProjectDefinition {
  name: string;
  /** A buildspec file in the source, or the buildspec itself (CodeBuild's Source.BuildSpec); CodeBuild's default is buildspec.yml. */
  buildspec: string;
  image: string;
  computeType: string;
  environmentType: string;
  timeoutInMinutes: number;
  logGroup: string;
}

export interface DeploymentGroupDefinition {
  application: string;
  deploymentGroup: string;
  deploymentConfig: string;
  /** The EC2 tag filters' values: which instances the group deploys to. */
  instanceTags: string[];
}

export interface Toolchain {
  pipelines: Map<string, PipelineDefinition>;
  buildProjects: Map<string, BuildProjectDefinition>;
  deploymentGroups: DeploymentGroupDefinition[];
}

// The property that names each resource type; Ref and Fn::GetAtt <id>.Name give that name.
const NAME_PROPERTY: Record<string, string> = {
  'AWS::CodeCommit::Repository': 'RepositoryName',
  'AWS::CodeBuild::Project': 'Name',
  'AWS::CodeDeploy::Application': 'ApplicationName',
  'AWS::CodeDeploy::DeploymentGroup': 'DeploymentGroupName',
  'AWS::CodePipeline::Pipeline': 'Name',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::S3::Bucket': 'BucketName',
};
// The stack name docs/operations.md deploys the toolchain with: CloudFormation names a bucket without a BucketName after it.
const STACK_NAME = 'my-demo-toolchain';

type Json = Record<string, unknown>;

/** The toolchain as the runner needs it, from the template (by default infra/toolchain/toolchain.yml). */
export function readToolchain(template: Template = readToolchainTemplate()): Toolchain {
  const name = (value: unknown, where: string): string => {
    if (typeof value === 'string') return value;
    const { Ref, 'Fn::GetAtt': getAtt } = (value ?? {}) as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
    const id = Ref ?? (getAtt?.[1] === 'Name' ? getAtt[0] : undefined);
    const parameter = id === undefined ? undefined : template.Parameters?.[id];
    if (parameter && typeof parameter.Default === 'string') return parameter.Default;
    const resource = id === undefined ? undefined : template.Resources[id];
    if (id !== undefined && resource) {
      const property = resource.Properties?.[NAME_PROPERTY[resource.Type] ?? ''];
      // a resource without its name property gets one from CloudFormation: <stack>-<logical id>-<random>
      return property === undefined ? `${STACK_NAME}-${id.toLowerCase()}-local` : name(property, `${id}.${NAME_PROPERTY[resource.Type]}`);
    }
    throw new Error(`infra/toolchain/toolchain.yml: ${where}: expected a name, a Ref or Fn::GetAtt <id>.Name the local runner can resolve; got ${JSON.stringify(value)}`);
  };
  const resources = Object.entries(template.Resources);
  const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type).map(([id, resource]) => [id, (resource.Properties ?? {}) as Json] as const);

  const pipelines = new Map(
    ofType('AWS::CodePipeline::Pipeline').map(([id, properties]) => {
      const pipelineName = name(properties.Name, `${id}.Name`);
      const stages = (properties.Stages as Json[]).map((stage, s): StageDefinition => ({
        name: stage.Name as string,
        actions: (stage.Actions as Json[]).map((action, a): ActionDefinition => {
          const where = `${id}.Stages[${s}].Actions[${a}]`;
          const type = action.ActionTypeId as Record<string, string>;
          const configuration = Object.fromEntries(Object.entries((action.Configuration ?? {}) as Json).map(([key, value]) => [key, name(value, `${where}.Configuration.${key}`)]));
          return {
            name: action.Name as string,
            runOrder: Number(action.RunOrder ?? 1),
            category: type.Category!,
            owner: type.Owner!,
            provider: type.Provider!,
            version: String(type.Version),
            configuration,
            inputArtifacts: ((action.InputArtifacts ?? []) as { Name: string }[]).map((artifact) => artifact.Name),
            outputArtifacts: ((action.OutputArtifacts ?? []) as { Name: string }[]).map((artifact) => artifact.Name),
            namespace: action.Namespace as string | undefined,
          };
        }),
      }));
      const variables = Object.fromEntries(((properties.Variables ?? []) as Json[]).map((variable, v) => [variable.Name as string, variable.DefaultValue === undefined ? '' : name(variable.DefaultValue, `${id}.Variables[${v}].DefaultValue`)]));
      const store = properties.ArtifactStore as Json;
      return [pipelineName, { name: pipelineName, pipelineType: (properties.PipelineType as string) ?? 'V1', variables, artifactBucket: name(store.Location, `${id}.ArtifactStore.Location`), stages }];
    }),
  );

  const buildProjects = new Map(
    ofType('AWS::CodeBuild::Project').map(([id, properties]) => {
      const projectName = name(properties.Name, `${id}.Name`);
      const environment = properties.Environment as Json;
      const logs = ((properties.LogsConfig as Json | undefined)?.CloudWatchLogs ?? {}) as Json;
      return [
        projectName,
        {
          name: projectName,
          buildspec: ((properties.Source as Json).BuildSpec as string | undefined) ?? 'buildspec.yml',
          image: name(environment.Image, `${id}.Environment.Image`),
          computeType: name(environment.ComputeType, `${id}.Environment.ComputeType`),
          environmentType: name(environment.Type, `${id}.Environment.Type`),
          // CodeBuild's default timeout is an hour
          timeoutInMinutes: Number(properties.TimeoutInMinutes ?? 60),
          logGroup: logs.GroupName === undefined ? `/aws/codebuild/${projectName}` : name(logs.GroupName, `${id}.LogsConfig.CloudWatchLogs.GroupName`),
        },
      ];
    }),
  );

  const deploymentGroups = ofType('AWS::CodeDeploy::DeploymentGroup').map(([id, properties]) => ({
    application: name(properties.ApplicationName, `${id}.ApplicationName`),
    deploymentGroup: name(properties.DeploymentGroupName, `${id}.DeploymentGroupName`),
    // CodeDeploy's default for EC2 deployment groups
    deploymentConfig: properties.DeploymentConfigName === undefined ? 'CodeDeployDefault.OneAtATime' : name(properties.DeploymentConfigName, `${id}.DeploymentConfigName`),
    instanceTags: ((properties.Ec2TagFilters ?? []) as { Value?: string }[]).flatMap((filter) => (filter.Value ? [filter.Value] : [])),
  }));

  return { pipelines, buildProjects, deploymentGroups };
}
