import { readFile } from 'node:fs/promises';

/** The lines of a JSON-lines file another process appends to: a last line still being written is skipped. */
export function parseJsonLines<T>(text: string): T[] {
  return text.split('\n').flatMap((line) => {
    try {
      return line ? [JSON.parse(line) as T] : [];
    } catch {
      return [];
    }
  });
}

export async function readJsonLines<T>(file: string): Promise<T[]> {
  return parseJsonLines<T>(await readFile(file, 'utf8').catch(() => ''));
}
