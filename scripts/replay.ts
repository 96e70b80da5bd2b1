/**
 * Publishes saved EventBridge events to the local bus with the real AWS SDK.
 *
 *   npm run replay -- events/samples/codebuild            # every .json file in a folder
 *   npm run replay -- events/samples/codebuild/build-failed.json other.json
 *
 * RC_EVENTBRIDGE_URL names the bus (default http://127.0.0.1:4010, the one `npm start` runs).
 * A file holds one event, or a list of events, each as EventBridge delivers it to a target.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DEFAULT_PORTS } from '../infra/local/endpoints';
import { putEvents } from '../infra/local/event-bus-client';

export interface SavedEvent {
  source: string;
  'detail-type': string;
  detail: unknown;
  resources?: string[];
  time?: string;
}

export function eventFiles(paths: string[]): string[] {
  return paths.flatMap((path) =>
    statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((name) => name.endsWith('.json'))
          .sort()
          .map((name) => join(path, name))
      : [path],
  );
}

export function entryFromEvent(event: SavedEvent): PutEventsRequestEntry {
  return {
    Source: event.source,
    DetailType: event['detail-type'],
    Detail: JSON.stringify(event.detail),
    Resources: event.resources,
    Time: event.time ? new Date(event.time) : undefined,
  };
}

export function readEvents(file: string): SavedEvent[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as SavedEvent | SavedEvent[];
  return Array.isArray(parsed) ? parsed : [parsed];
}

async function main(paths: string[]): Promise<void> {
  if (paths.length === 0) {
    process.stderr.write('usage: npm run replay -- <file.json|folder> [...]\n');
    process.exitCode = 2;
    return;
  }
  const eventBridgeUrl = process.env.RC_EVENTBRIDGE_URL ?? `http://127.0.0.1:${DEFAULT_PORTS.eventBridge}`;
  for (const file of eventFiles(paths)) {
    const events = readEvents(file);
    await putEvents(eventBridgeUrl, events.map(entryFromEvent));
    process.stdout.write(`${file}: ${events.map((event) => event['detail-type']).join(', ')}\n`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: Error) => {
    process.stderr.write(`replay: ${error.message}\n`);
    process.exitCode = 1;
  });
}
