import { ClientError } from '../../shared/http';

export const NAME_MAX_LENGTH = 64;

// Letters and combining marks of any script, decimal digits in any script, space, '-', '_', '.'.
const NAME_PATTERN = /^[\p{L}\p{M}\p{Nd} _.-]+$/u;
const NAME_RULE = `a name is 1-${NAME_MAX_LENGTH} characters: letters or digits in any script, space, '-', '_' or '.'`;

export function helloWorld(now: Date) {
  return { output: 'Hello World', timestamp: now.toISOString() };
}

/** The path parameter as the client meant it: URL-decoded once, then checked against the name rule. */
export function parseName(rawName: string | undefined): string {
  const name = decodeName(rawName ?? '');
  const length = [...name].length;
  if (length === 0 || length > NAME_MAX_LENGTH) {
    throw new ClientError(400, 'InvalidName', `${NAME_RULE}; got ${length} characters`);
  }
  if (!NAME_PATTERN.test(name)) {
    throw new ClientError(400, 'InvalidName', `${NAME_RULE}; got other characters`);
  }
  return name;
}

export function greet(name: string) {
  return { output: `Hello ${name}` };
}

// '%' is never part of a valid name, so decoding a value API Gateway already decoded is a no-op.
function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ClientError(400, 'InvalidName', `${NAME_RULE}; got a malformed URL escape`);
  }
}
