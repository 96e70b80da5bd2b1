import type { DeleteCommandInput, GetCommandInput, PutCommandInput, QueryCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall, type NativeAttributeValue } from '@aws-sdk/util-dynamodb';
import { awsJsonService, isAwsError, type AwsServiceOptions } from './signed-call';

type Document = Record<string, NativeAttributeValue>;

/**
 * DynamoDB's item operations on plain values, as the SDK's DocumentClient takes and gives them
 * (its input types, its marshalling, undefined values left out), over one signed JSON call each.
 */
export interface DynamoDocuments {
  get(input: GetCommandInput): Promise<{ Item?: Document }>;
  put(input: PutCommandInput): Promise<{ Attributes?: Document }>;
  update(input: UpdateCommandInput): Promise<{ Attributes?: Document }>;
  delete(input: DeleteCommandInput): Promise<{ Attributes?: Document }>;
  /** Every page's items. */
  queryAll(input: QueryCommandInput): Promise<Document[]>;
}

// the input's fields that hold items or values, and the output's
const INPUT_DOCUMENTS = ['Item', 'Key', 'ExpressionAttributeValues', 'ExclusiveStartKey'] as const;
const OUTPUT_DOCUMENTS = ['Item', 'Attributes', 'LastEvaluatedKey'] as const;

const toWire = (input: object) => {
  const wire: Record<string, unknown> = { ...input };
  for (const field of INPUT_DOCUMENTS) {
    if (wire[field] !== undefined) wire[field] = marshall(wire[field] as Document, { removeUndefinedValues: true });
  }
  return wire;
};

const fromWire = (output: Record<string, unknown>) => {
  const plain: Record<string, unknown> = { ...output };
  for (const field of OUTPUT_DOCUMENTS) {
    if (plain[field] !== undefined) plain[field] = unmarshall(plain[field] as Parameters<typeof unmarshall>[0]);
  }
  if (Array.isArray(plain.Items)) plain.Items = plain.Items.map((item: Parameters<typeof unmarshall>[0]) => unmarshall(item));
  return plain;
};

export function dynamoDocuments(options: Omit<AwsServiceOptions, 'service'> = {}): DynamoDocuments {
  const call = awsJsonService({ ...options, service: 'dynamodb', targetPrefix: 'DynamoDB_20120810', version: '1.0' });
  const operation = (name: string) => async (input: object) => fromWire(await call<Record<string, unknown>>(name, toWire(input)));
  const query = operation('Query');
  return {
    get: operation('GetItem'),
    put: operation('PutItem'),
    update: operation('UpdateItem'),
    delete: operation('DeleteItem'),
    async queryAll(input) {
      const items: Document[] = [];
      let start: Document | undefined;
      do {
        const page = (await query({ ...input, ExclusiveStartKey: start })) as { Items?: Document[]; LastEvaluatedKey?: Document };
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    },
  };
}

/** A conditional write: true when it was made, false when its condition did not hold; other errors are thrown. */
export async function conditional(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

export const isConditionFailed = (error: unknown) => isAwsError(error, 'ConditionalCheckFailedException');
