import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './endpoints';

/**
 * Publishes the entries to the local bus with the AWS SDK; returns the event ids the bus gave them.
 * `from` another account and region, they arrive as that account's events forwarded to the central
 * bus do: the local bus reads the account from the access key id and the region from the signature.
 */
export async function putEvents(eventBridgeUrl: string, entries: PutEventsRequestEntry[], from?: { account: string; region: string }): Promise<string[]> {
  const credentials = from ? { ...LOCAL_CREDENTIALS, accessKeyId: from.account } : LOCAL_CREDENTIALS;
  const client = new EventBridgeClient({ endpoint: eventBridgeUrl, region: from?.region ?? LOCAL_REGION, credentials });
  const ids: string[] = [];
  // PutEvents takes at most 10 entries a call
  for (let i = 0; i < entries.length; i += 10) {
    const { FailedEntryCount, Entries = [] } = await client.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
    if (FailedEntryCount) throw new Error(`${FailedEntryCount} events were not accepted by ${eventBridgeUrl}`);
    ids.push(...Entries.map((entry) => entry.EventId ?? ''));
  }
  return ids;
}
