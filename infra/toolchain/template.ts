// The toolchain's CloudFormation template (toolchain.yml) as the JSON CloudFormation reads: YAML's
// short forms (!Ref, !Sub, !GetAtt...) become their full forms. The tests read it through this.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type ScalarTag, type CollectionTag, type YAMLSeq } from 'yaml';

export const TOOLCHAIN_TEMPLATE = join(__dirname, 'toolchain.yml');

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  [attribute: string]: unknown;
}

export interface Template {
  Parameters?: Record<string, { Type: string; Default?: unknown; [key: string]: unknown }>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: unknown; [key: string]: unknown }>;
  [section: string]: unknown;
}

// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html
const FUNCTIONS = ['And', 'Base64', 'Cidr', 'Equals', 'FindInMap', 'GetAZs', 'If', 'ImportValue', 'Join', 'Not', 'Or', 'Select', 'Split', 'Sub', 'Transform'];

const SHORT_FORMS: (ScalarTag | CollectionTag)[] = [
  { tag: '!Ref', resolve: (name: string) => ({ Ref: name }) },
  { tag: '!Condition', resolve: (name: string) => ({ Condition: name }) },
  // !GetAtt Resource.Attribute; an attribute name may itself hold dots (Endpoint.Address)
  { tag: '!GetAtt', resolve: (path: string) => ({ 'Fn::GetAtt': [path.slice(0, path.indexOf('.')), path.slice(path.indexOf('.') + 1)] }) },
  { tag: '!GetAtt', collection: 'seq', resolve: (seq) => ({ 'Fn::GetAtt': (seq as YAMLSeq).toJSON() }) },
  ...FUNCTIONS.flatMap((name): (ScalarTag | CollectionTag)[] => [
    { tag: `!${name}`, resolve: (value: string) => ({ [`Fn::${name}`]: value }) },
    { tag: `!${name}`, collection: 'seq', resolve: (seq) => ({ [`Fn::${name}`]: (seq as YAMLSeq).toJSON() }) },
  ]),
];

/** A CloudFormation YAML template as CloudFormation reads it. */
export function parseTemplate(text: string): Template {
  return parse(text, { customTags: SHORT_FORMS, intAsBigInt: false }) as Template;
}

export function readToolchainTemplate(file = TOOLCHAIN_TEMPLATE): Template {
  return parseTemplate(readFileSync(file, 'utf8'));
}
