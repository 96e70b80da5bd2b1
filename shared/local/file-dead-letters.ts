import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { deadLetterMessage } from '../dead-letter';
import type { DeadLetters } from '../ports';

/** Locally, where there is no SQS: the same message the queue would get, one JSON line each. */
export function fileDeadLetters(file: string): DeadLetters {
  return {
    async send({ functionName, reason, event }) {
      await mkdir(dirname(file), { recursive: true });
      await appendFile(file, `${deadLetterMessage(functionName, reason, event).MessageBody}\n`);
    },
  };
}
