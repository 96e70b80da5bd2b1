import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SAMPLES_DIR = join(__dirname, '..', '..', 'events', 'samples');

/** A sample event from events/samples (AWS's documented examples), as a fresh object each call. */
export function sample<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(join(SAMPLES_DIR, path), 'utf8')) as T;
}

/** Every sample file of the event sources (not the API's requests), as `folder/file.json`. */
export function eventSampleFiles(): string[] {
  return ['codecommit', 'codebuild', 'codedeploy', 'codepipeline'].flatMap((folder) =>
    readdirSync(join(SAMPLES_DIR, folder))
      .filter((name) => name.endsWith('.json'))
      .map((name) => `${folder}/${name}`),
  );
}
