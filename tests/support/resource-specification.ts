/**
 * Holds a CloudFormation template (JSON form) to CloudFormation's published resource specification,
 * as @aws-cdk/aws-service-spec ships it (the registry schemas and the resource specification, merged
 * by the AWS CDK team and published weekly): every resource type exists, every property name is one
 * the type (or the nested property type) has, every required property is given, every literal of an
 * enumeration is one of its values, every Ref names a parameter, a resource or a pseudo parameter,
 * and every Fn::GetAtt (also `${Resource.Attribute}` in Fn::Sub) names an attribute the resource
 * type returns.
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { Property, PropertyType, Resource as ResourceSpec, SpecDatabase } from '@aws-cdk/service-spec-types';

type Template = { Parameters?: Record<string, unknown>; Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string | string[] }>; [section: string]: unknown };

// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-product-attribute-reference.html
const RESOURCE_ATTRIBUTES = new Set(['Type', 'Properties', 'DependsOn', 'Metadata', 'Condition', 'CreationPolicy', 'DeletionPolicy', 'UpdatePolicy', 'UpdateReplacePolicy']);
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/pseudo-parameter-reference.html
const PSEUDO_PARAMETERS = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);

let database: SpecDatabase | undefined;
const spec = () => (database ??= loadAwsServiceSpecSync());

/** Where the template does not follow the specification, one line each (`Resource.Properties.Path: what`); empty when it does. */
export function specificationProblems(template: Template): string[] {
  const problems: string[] = [];
  const typeOf = new Map<string, ResourceSpec | undefined>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    for (const key of Object.keys(resource)) if (!RESOURCE_ATTRIBUTES.has(key)) problems.push(`${id}: ${key} is not a resource attribute`);
    if (isCustom(resource.Type)) continue;
    const found = spec().lookup('resource', 'cloudFormationType', 'equals', resource.Type)[0];
    typeOf.set(id, found);
    if (!found) {
      problems.push(`${id}: no resource type ${resource.Type}`);
      continue;
    }
    checkObject(`${id}.Properties`, resource.Properties ?? {}, found.properties, problems);
    for (const target of [resource.DependsOn ?? []].flat()) if (!(target in template.Resources)) problems.push(`${id}.DependsOn: no resource ${target}`);
  }
  const references = { template, typeOf, problems };
  for (const [section, content] of Object.entries(template)) if (section !== 'Parameters') checkReferences(section, content, references);
  return problems;
}

function checkObject(path: string, value: unknown, properties: Record<string, Property>, problems: string[]): void {
  if (isIntrinsic(value)) return;
  if (!isPlainObject(value)) {
    problems.push(`${path}: expected an object, got ${JSON.stringify(value)}`);
    return;
  }
  for (const name of Object.keys(value)) if (!(name in properties)) problems.push(`${path}.${name}: no such property (${Object.keys(properties).join(', ')})`);
  for (const [name, property] of Object.entries(properties)) if (property.required && !(name in value)) problems.push(`${path}: ${name} is required`);
  for (const [name, nested] of Object.entries(value)) {
    const property = properties[name];
    if (property) checkValue(`${path}.${name}`, nested, property.type, problems);
  }
}

function checkValue(path: string, value: unknown, type: PropertyType, problems: string[]): void {
  if (isIntrinsic(value)) return;
  switch (type.type) {
    case 'ref':
      return checkObject(path, value, spec().get('typeDefinition', type.reference).properties, problems);
    case 'array':
      if (!Array.isArray(value)) return void problems.push(`${path}: expected a list`);
      return value.forEach((element, i) => checkValue(`${path}[${i}]`, element, type.element, problems));
    case 'map':
      if (!isPlainObject(value)) return void problems.push(`${path}: expected a map`);
      return Object.entries(value).forEach(([key, element]) => checkValue(`${path}.${key}`, element, type.element, problems));
    case 'union': {
      // the value is right if it is right as one of the types
      const attempts = type.types.map((member) => {
        const found: string[] = [];
        checkValue(path, value, member, found);
        return found;
      });
      return void problems.push(...attempts.reduce((best, found) => (found.length < best.length ? found : best)));
    }
    case 'string':
      // an enumeration (DeploymentType, PipelineType...): a literal must be one of its values
      if (typeof value === 'string' && type.allowedValues && !type.allowedValues.includes(value)) problems.push(`${path}: ${value} is none of ${type.allowedValues.join(', ')}`);
      return;
    default:
      // numbers, booleans, JSON (policy documents), tags: their values are not checked here
      return;
  }
}

type References = { template: Template; typeOf: Map<string, ResourceSpec | undefined>; problems: string[] };

function checkReferences(path: string, value: unknown, refs: References, substituted: Set<string> = new Set()): void {
  if (Array.isArray(value)) return value.forEach((element, i) => checkReferences(`${path}[${i}]`, element, refs, substituted));
  if (!isPlainObject(value)) return;
  for (const [key, nested] of Object.entries(value)) {
    if (key === 'Ref' && typeof nested === 'string') checkRef(path, nested, refs);
    else if (key === 'Fn::GetAtt' && Array.isArray(nested) && typeof nested[0] === 'string' && typeof nested[1] === 'string') checkGetAtt(path, nested[0], nested[1], refs);
    else if (key === 'Fn::Sub') {
      const [text, variables] = Array.isArray(nested) ? nested : [nested, {}];
      const own = new Set([...substituted, ...Object.keys(isPlainObject(variables) ? variables : {})]);
      // ${Name} and ${Resource.Attribute}; ${!Literal} is text
      if (typeof text === 'string') {
        for (const [, name] of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
          if (own.has(name!)) continue;
          const dot = name!.indexOf('.');
          if (dot < 0) checkRef(path, name!, refs);
          else checkGetAtt(path, name!.slice(0, dot), name!.slice(dot + 1), refs);
        }
      }
      checkReferences(`${path}.${key}`, variables, refs, substituted);
    } else checkReferences(`${path}.${key}`, nested, refs, substituted);
  }
}

function checkRef(path: string, name: string, { template, problems }: References): void {
  if (!PSEUDO_PARAMETERS.has(name) && !(name in (template.Parameters ?? {})) && !(name in template.Resources)) problems.push(`${path}: Ref to ${name}, which is no parameter or resource`);
}

function checkGetAtt(path: string, id: string, attribute: string, { template, typeOf, problems }: References): void {
  const resource = template.Resources[id];
  if (!resource) return void problems.push(`${path}: Fn::GetAtt of ${id}, which is no resource`);
  const type = typeOf.get(id);
  if (type && !(attribute in type.attributes)) problems.push(`${path}: ${resource.Type} has no attribute ${attribute} (${Object.keys(type.attributes).join(', ') || 'none'})`);
}

function isCustom(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

/** `{ "Ref": ... }` or `{ "Fn::...": ... }`: CloudFormation computes the value, so its shape is not the template's. */
function isIntrinsic(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
