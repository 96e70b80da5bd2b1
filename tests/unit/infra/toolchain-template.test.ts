import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { parse } from 'yaml';
import { readToolchainTemplate, TOOLCHAIN_TEMPLATE, type Template } from '../../../infra/toolchain/template';
import { controlTowerReport } from '../../support/control-tower';
import { specificationProblems } from '../../support/resource-specification';

// We cannot deploy here: the toolchain template is held to AWS's published facts instead.

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; CreationPolicy?: any; DependsOn?: string | string[] };
const template = readToolchainTemplate() as Template & { Resources: Record<string, Resource> };
const resources = Object.entries(template.Resources);
const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type).map(([, resource]) => resource);
const APP = join(__dirname, '..', '..', '..', 'scripts', 'demo-app');

describe('the toolchain template', () => {
  it("follows CloudFormation's resource specification: types, property names, required properties, enumerations, Ref and Fn::GetAtt targets", () => {
    expect(specificationProblems(template)).toEqual([]);
  });

  it("passes AWS Control Tower's proactive controls, each exception suppressed on its resource with its reason", () => {
    const report = controlTowerReport(template);
    expect(report.failures.size).toBeGreaterThan(0); // the controls ran and found the exceptions below
    expect(report.unsuppressed).toEqual([]);
    expect(report.unexplained).toEqual([]);
    expect(report.stale).toEqual([]);
  });

  // The only actions allowed on "*": those that take no resource ARN (Service Authorization Reference),
  // and the instance's registration with Systems Manager, as its role cannot name the instance that depends on it.
  const ON_ANY_RESOURCE = [
    'ec2:DescribeInstances',
    'ec2:DescribeInstanceStatus',
    'tag:GetResources',
    'cloudwatch:DescribeAlarms',
    'ssm:UpdateInstanceInformation',
    'ssmmessages:CreateControlChannel',
    'ssmmessages:CreateDataChannel',
    'ssmmessages:OpenControlChannel',
    'ssmmessages:OpenDataChannel',
  ];

  it('names every action its roles allow, on their own resources; "*" only where an action takes no resource', () => {
    const statements: { Effect: string; Action: string[]; Resource: unknown }[] = ofType('AWS::IAM::Role').flatMap((role) =>
      role.Properties.Policies.flatMap((policy: { PolicyDocument: { Statement: unknown[] } }) => policy.PolicyDocument.Statement),
    );
    expect(statements.length).toBeGreaterThan(0);
    for (const { Effect, Action, Resource } of statements) {
      expect(Effect).toBe('Allow');
      for (const action of Action) expect(action).not.toMatch(/\*/);
      if (JSON.stringify(Resource) === '"*"') expect(ON_ANY_RESOURCE).toEqual(expect.arrayContaining(Action));
    }
    for (const role of ofType('AWS::IAM::Role')) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('encrypts at rest: the artifact bucket with KMS, versioned and private; the instance volume; TLS only', () => {
    const [bucket] = ofType('AWS::S3::Bucket');
    expect(bucket!.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    const [instance] = ofType('AWS::EC2::Instance');
    expect(instance!.Properties.BlockDeviceMappings.map((mapping: { Ebs: { Encrypted: boolean } }) => mapping.Ebs.Encrypted)).toEqual([true]);
    expect(instance!.Properties.MetadataOptions).toMatchObject({ HttpTokens: 'required' });
    const [policy] = ofType('AWS::S3::BucketPolicy');
    expect(policy!.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  it('lets HTTP in from the HttpCidr parameter alone, and no SSH', () => {
    const ingress = ofType('AWS::EC2::SecurityGroup').flatMap((group) => group.Properties.SecurityGroupIngress ?? []);
    expect(ingress).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: { Ref: 'HttpCidr' } })]);
    expect(template.Parameters?.HttpCidr?.Default).toBeUndefined(); // the deployer chooses, nothing is open by default
    expect(ofType('AWS::EC2::Instance')[0]!.Properties.KeyName).toBeUndefined();
  });

  it('runs Amazon Linux 2023: the instance from the public SSM parameter, the build on the standard image', () => {
    expect(template.Parameters?.LatestAmiId).toMatchObject({ Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: expect.stringMatching(/^\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-/) });
    expect(ofType('AWS::EC2::Instance')[0]!.Properties.ImageId).toEqual({ Ref: 'LatestAmiId' });
    expect(ofType('AWS::CodeBuild::Project')[0]!.Properties.Environment.Image).toBe('aws/codebuild/amazonlinux-x86_64-standard:5.0');
  });

  it('installs the CodeDeploy agent at boot and completes the instance only once the agent runs; the deploying pipeline waits for it', () => {
    const [id, instance] = resources.find(([, resource]) => resource.Type === 'AWS::EC2::Instance')!;
    const script: string = instance.Properties.UserData['Fn::Base64']['Fn::Sub'];
    expect(script).toMatch(/\/latest\/install'?\n/);
    expect(script).toContain('./install auto');
    expect(script).toContain('systemctl is-active --quiet codedeploy-agent');
    expect(script).toContain(`--resource ${id} `);
    expect(instance.CreationPolicy).toEqual({ ResourceSignal: { Count: 1, Timeout: expect.any(String) } });
    const deploying = ofType('AWS::CodePipeline::Pipeline').filter((pipeline) => JSON.stringify(pipeline.Properties.Stages).includes('"Provider":"CodeDeploy"'));
    for (const pipeline of deploying) expect([pipeline.DependsOn].flat()).toContain(id);
  });

  it('fits `aws cloudformation deploy` without an S3 bucket for the template (51 200 bytes at most)', () => {
    expect(statSync(TOOLCHAIN_TEMPLATE).size).toBeLessThanOrEqual(51_200);
  });

  it('keeps the repository, the artifact bucket and the build logs when the stack is deleted', () => {
    for (const type of ['AWS::CodeCommit::Repository', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup']) {
      expect(ofType(type).map((resource) => resource.DeletionPolicy)).toEqual(['Retain']);
    }
  });

  it('hands CodeDeploy, through the build, every file the sample app\'s appspec.yml names', () => {
    const buildspec = parse(readFileSync(join(APP, 'buildspec.yml'), 'utf8'));
    const appspec = parse(readFileSync(join(APP, 'appspec.yml'), 'utf8'));
    const needed = ['appspec.yml', ...appspec.files.map((file: { source: string }) => file.source.replace(/^\//, '')), ...Object.values(appspec.hooks).flat().map((hook: any) => hook.location)];
    const packaged = picomatch(buildspec.artifacts.files);
    expect(needed.filter((path) => !packaged(path))).toEqual([]);
  });
});

describe('the resource specification check', () => {
  // Each mutation of the template is one kind of mistake the check must catch.
  const mutated = (change: (copy: Template & { Resources: Record<string, Resource> }) => void) => {
    const copy = structuredClone(template);
    change(copy);
    return specificationProblems(copy);
  };

  it.each([
    ['an unknown resource type', (t: any) => (t.Resources.Vpc.Type = 'AWS::EC2::Vpc'), 'Vpc: no resource type AWS::EC2::Vpc'],
    ['a misspelt property', (t: any) => (t.Resources.BuildProject.Properties.TimeoutInMinute = 5), 'BuildProject.Properties.TimeoutInMinute: no such property'],
    ['a misspelt nested property', (t: any) => (t.Resources.MyFirstPipeline.Properties.Stages[0].Actions[0].ActionTypeID = {}), 'MyFirstPipeline.Properties.Stages[0].Actions[0].ActionTypeID: no such property'],
    ['a missing required property', (t: any) => delete t.Resources.DeploymentGroup.Properties.ServiceRoleArn, 'DeploymentGroup.Properties: ServiceRoleArn is required'],
    ['a missing required nested property', (t: any) => delete t.Resources.MyFirstPipeline.Properties.ArtifactStore.Location, 'MyFirstPipeline.Properties.ArtifactStore: Location is required'],
    ['an attribute the type does not return', (t: any) => (t.Resources.Instance.Properties.SubnetId = { 'Fn::GetAtt': ['Subnet', 'Id'] }), 'Instance.Properties.SubnetId: AWS::EC2::Subnet has no attribute Id'],
    ['an attribute inside Fn::Sub', (t: any) => (t.Outputs.WebsiteUrl.Value = { 'Fn::Sub': 'http://${Instance.PublicDns}/' }), 'Outputs.WebsiteUrl.Value: AWS::EC2::Instance has no attribute PublicDns'],
    ['a value outside an enumeration', (t: any) => (t.Resources.MyFirstPipeline.Properties.PipelineType = 'V3'), 'MyFirstPipeline.Properties.PipelineType: V3 is none of V1, V2'],
    ['a Ref to nothing', (t: any) => (t.Resources.Subnet.Properties.VpcId = { Ref: 'VPC' }), 'Ref to VPC, which is no parameter or resource'],
    ['a list where an object belongs', (t: any) => (t.Resources.ArtifactBucket.Properties.VersioningConfiguration = [{ Status: 'Enabled' }]), 'ArtifactBucket.Properties.VersioningConfiguration: expected an object'],
    ['an unknown resource attribute', (t: any) => (t.Resources.Instance.DeletePolicy = 'Retain'), 'Instance: DeletePolicy is not a resource attribute'],
  ])('finds %s', (_, change, problem) => {
    expect(mutated(change).join('\n')).toContain(problem);
  });
});
