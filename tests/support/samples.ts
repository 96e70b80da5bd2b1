import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SAMPLES_DIR = join(__dirname, '..', '..', 'events', 'samples');

/** A sample event from events/samples (AWS's documented examples), as a fresh object each call. */
export function sample<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(join(SAMPLES_DIR, path), 'utf8')) as T;
}

/** The sources a function handles; cloudwatch/ joins them when a function reads alarms. */
/** The function the rules in serverless.yml give each event source's samples to. */
export const FUNCTION_OF_SOURCE = { codecommit: 'on-push', codebuild: 'on-build', codedeploy: 'on-deploy', codepipeline: 'on-pipeline', cloudwatch: 'on-alarm' } as const;
export const HANDLED_SOURCES = Object.keys(FUNCTION_OF_SOURCE);

/** Every sample file of these event sources (not the API's requests), as `folder/file.json`. */
export function eventSampleFiles(folders = HANDLED_SOURCES): string[] {
  return folders.flatMap((folder) =>
    readdirSync(join(SAMPLES_DIR, folder))
      .filter((name) => name.endsWith('.json'))
      .map((name) => `${folder}/${name}`),
  );
}

/** A sample event, changed as a test needs, then parsed as the function's schema parses it (unknown fields dropped). */
export function sampleEvent<T>(schema: { parse(input: unknown): T }, path: string, change: (event: { id: string; time: string; detail: Record<string, any> }) => void = () => undefined): T {
  const event = sample<{ id: string; time: string; detail: Record<string, any> }>(path);
  change(event);
  return schema.parse(event);
}
