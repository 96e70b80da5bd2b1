// Types for the local stack's asynchronous invocation, as the tests use it.
interface LocalLambdaFunction {
  readonly functionName: string;
  setEvent(event: unknown): void;
  runHandler(): Promise<unknown>;
}

export function retryDelays(): number[];
export function invokeAsync(lambda: { get(functionKey: string): LocalLambdaFunction }, functionKey: string, event: unknown, giveUp: (error: Error, attempts: number) => void): Promise<void>;
