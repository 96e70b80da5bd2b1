import type { Context } from 'aws-lambda';

// Powertools Logger's levels and their order. The level: Lambda's own log level control
// (AWS_LAMBDA_LOG_LEVEL, where the function's logging config sets one) first, as Powertools takes
// it, else POWERTOOLS_LOG_LEVEL (serverless.yml) or LOG_LEVEL, else INFO.
const LEVELS = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, FATAL: 24, SILENT: 28 } as const;
type Level = keyof typeof LEVELS;
const threshold = (name = process.env.AWS_LAMBDA_LOG_LEVEL ?? process.env.POWERTOOLS_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'INFO') => LEVELS[name.toUpperCase() as Level] ?? LEVELS.INFO;

type Keys = Record<string, unknown>;

/**
 * Structured logs: one JSON line a call, with the keys Powertools Logger writes (`level`, `message`,
 * `timestamp`, `service`, `cold_start`, `function_name`, `function_arn`, `function_memory_size`,
 * `function_request_id`, `xray_trace_id`), then the persistent keys, the invocation's keys and the
 * call's own. So Logs Insights queries written for Powertools work unchanged. Ours rather than
 * Powertools' own: for a line like ours it cost the event functions about a fifth of their CPU per
 * event, and a tenth of their cold start (docs/benchmarks.md, "Round 5").
 */
export class Logger {
  readonly #level = threshold();
  readonly #service: string;
  #persistent: Keys = {};
  #invocation: Keys = {};
  #keys: Keys = {};

  constructor({ serviceName }: { serviceName: string }) {
    this.#service = serviceName;
  }

  /** Keys on every line of every invocation (the function's name). */
  appendPersistentKeys(keys: Keys): void {
    this.#persistent = { ...this.#persistent, ...keys };
  }

  /** Keys on every line until the invocation ends (the event's ids). */
  appendKeys(keys: Keys): void {
    this.#keys = { ...this.#keys, ...keys };
  }

  /** An invocation starts: Lambda's context and X-Ray's trace id on its lines, the last one's keys gone. */
  startInvocation(context: Context, coldStart: boolean): void {
    this.#keys = {};
    this.#invocation = {
      cold_start: coldStart,
      function_arn: context.invokedFunctionArn,
      function_memory_size: context.memoryLimitInMB,
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
      xray_trace_id: /Root=([^;]+)/.exec(process.env._X_AMZN_TRACE_ID ?? '')?.[1],
    };
  }

  endInvocation(): void {
    this.#keys = {};
  }

  debug(message: string, extra?: Keys | Error): void {
    this.#write('DEBUG', message, extra);
  }

  info(message: string, extra?: Keys | Error): void {
    this.#write('INFO', message, extra);
  }

  warn(message: string, extra?: Keys | Error): void {
    this.#write('WARN', message, extra);
  }

  error(message: string, extra?: Keys | Error): void {
    this.#write('ERROR', message, extra);
  }

  #write(level: Level, message: string, extra: Keys | Error | undefined): void {
    if (LEVELS[level] < this.#level) return;
    const line = { level, message, timestamp: new Date().toISOString(), service: this.#service, ...this.#invocation, ...this.#persistent, ...this.#keys, ...(extra instanceof Error ? { error: errorKeys(extra) } : withErrorKeys(extra)) };
    // warnings and errors on stderr, as Powertools (and console) write them; Lambda keeps both
    (LEVELS[level] >= LEVELS.WARN ? process.stderr : process.stdout).write(`${json(line)}\n`);
  }
}

/** An error as the log line holds it: its name, message and stack, its own fields (an AWS error's code and status), its cause. */
const errorKeys = (error: Error): Keys => ({
  name: error.name,
  message: error.message,
  stack: error.stack,
  ...Object.fromEntries(Object.entries(error)),
  ...(error.cause === undefined ? {} : { cause: error.cause instanceof Error ? errorKeys(error.cause) : error.cause }),
});

/** The call's keys, an error among them as errorKeys writes it (JSON would write `{}`). */
function withErrorKeys(keys: Keys | undefined): Keys | undefined {
  if (keys === undefined || !Object.values(keys).some((value) => value instanceof Error)) return keys;
  return Object.fromEntries(Object.entries(keys).map(([name, value]) => [name, value instanceof Error ? errorKeys(value) : value]));
}

/** The line as JSON: plainly, unless it holds what JSON cannot (a bigint, a cycle), which is then written as text or left out. */
function json(line: Keys): string {
  try {
    return JSON.stringify(line);
  } catch {
    const seen = new WeakSet<object>();
    return JSON.stringify(line, (_key, value: unknown) => {
      if (typeof value === 'bigint') return value.toString();
      if (value instanceof Error) return errorKeys(value);
      if (typeof value === 'object' && value !== null) {
        if (seen.has(value)) return undefined;
        seen.add(value);
      }
      return value;
    });
  }
}

/** The one logger every function uses; the service name comes from POWERTOOLS_SERVICE_NAME. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'release-conductor' });
