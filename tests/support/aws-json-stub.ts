/**
 * CodeCommit, CodePipeline, CodeDeploy, SQS and STS on loopback, for the services that have no
 * local emulator here: the functions call them over HTTP, signed, as they call AWS (STS with the
 * query protocol and XML, the others with AWS JSON), and a test arranges the answers by operation, with the SDK's command classes as the names:
 * `codepipeline.on(StartPipelineExecutionCommand, { name: 'x' }).resolves({ pipelineExecutionId: 'e' })`,
 * then reads what was sent with `commandCalls(StartPipelineExecutionCommand)`. An answer's `Date`s
 * go over the wire as epoch seconds, as AWS sends timestamps; a rejection's error as AWS's
 * `__type` and message. An operation nobody arranged is refused, so a test never passes on a call
 * it did not expect.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { LOCAL_CREDENTIALS } from '../../infra/local/endpoints';
import { awsJsonService } from '../../shared/aws/signed-call';

// any SDK command class names an operation
type CommandClass<Input = any> = abstract new (input: Input) => { input: Input };
type InputOf<Command extends CommandClass> = ConstructorParameters<Command>[0];
type Answer = (input: Record<string, unknown>) => unknown;

interface Behaviour {
  operation: string;
  matcher?: object;
  answers: Answer[];
  always?: Answer;
}

export interface Arrangement<Input> {
  resolves(output: object): ServiceStub;
  resolvesOnce(output: object): Arrangement<Input>;
  rejects(error: Error): ServiceStub;
  callsFake(answer: (input: Input) => unknown): ServiceStub;
}

export interface ServiceStub {
  on<Command extends CommandClass>(command: Command, matcher?: Partial<InputOf<Command>>): Arrangement<InputOf<Command>>;
  /** What was sent for one operation, in the order it came: `[{ args: [{ input }] }]`, as aws-sdk-client-mock gives it. */
  commandCalls<Command extends CommandClass>(command: Command): { args: [{ input: InputOf<Command> }] }[];
  /** Every call to the service. */
  calls(): { operation: string; input: Record<string, unknown> }[];
  reset(): void;
}

const operationOf = (command: CommandClass) => command.name.replace(/Command$/, '');

/** Every field of the matcher is the input's (undefined: absent), nested objects alike. */
function matches(matcher: unknown, input: unknown): boolean {
  if (matcher === undefined) return input === undefined;
  if (matcher === null || typeof matcher !== 'object' || Array.isArray(matcher)) return isDeepStrictEqual(matcher, input);
  if (input === null || typeof input !== 'object') return false;
  return Object.entries(matcher).every(([key, value]) => matches(value, (input as Record<string, unknown>)[key]));
}

class AwsError extends Error {}

function serviceStub(): ServiceStub & { answer(operation: string, input: Record<string, unknown>): Promise<unknown> } {
  let behaviours: Behaviour[] = [];
  let calls: { operation: string; input: Record<string, unknown> }[] = [];
  const stub = {
    on<Command extends CommandClass>(command: Command, matcher?: Partial<InputOf<Command>>): Arrangement<InputOf<Command>> {
      const behaviour: Behaviour = { operation: operationOf(command), matcher, answers: [] };
      behaviours.push(behaviour);
      const arrangement: Arrangement<InputOf<Command>> = {
        resolves: (output) => ((behaviour.always = () => output), stub),
        resolvesOnce: (output) => (behaviour.answers.push(() => output), arrangement),
        rejects: (error) => ((behaviour.always = () => Promise.reject(error)), stub),
        callsFake: (answer) => ((behaviour.always = answer as Answer), stub),
      };
      return arrangement;
    },
    commandCalls<Command extends CommandClass>(command: Command) {
      return calls.filter(({ operation }) => operation === operationOf(command)).map(({ input }) => ({ args: [{ input: input as InputOf<Command> }] as [{ input: InputOf<Command> }] }));
    },
    calls: () => calls,
    reset() {
      behaviours = [];
      calls = [];
    },
    async answer(operation: string, input: Record<string, unknown>) {
      calls.push({ operation, input });
      // the latest arrangement that takes the input, one naming the input before one for any
      const candidates = behaviours.filter((behaviour) => behaviour.operation === operation && (behaviour.matcher === undefined || matches(behaviour.matcher, input)) && (behaviour.answers.length > 0 || behaviour.always));
      const chosen = candidates.filter(({ matcher }) => matcher !== undefined).at(-1) ?? candidates.at(-1);
      if (!chosen) throw new AwsError(`no answer is arranged for ${operation}`);
      return (chosen.answers.shift() ?? chosen.always!)(input);
    },
  };
  return stub;
}

const SERVICES = { CodeCommit_20150413: 'codecommit', CodePipeline_20150709: 'codepipeline', CodeDeploy_20141006: 'codedeploy', AmazonSQS: 'sqs' } as const;
// the query protocol's services, by the Version they send
const QUERY_SERVICES = { '2011-06-15': 'sts' } as const;
type Service = (typeof SERVICES)[keyof typeof SERVICES] | (typeof QUERY_SERVICES)[keyof typeof QUERY_SERVICES];

const escaped = (text: string) => text.replace(/[<>&]/g, (character) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[character]!);
/** An answer as the query protocol's XML: elements named for the fields, timestamps in ISO 8601. */
const xml = (value: unknown): string =>
  value instanceof Date ? value.toISOString() : value !== null && typeof value === 'object' ? Object.entries(value).map(([name, item]) => `<${name}>${xml(item)}</${name}>`).join('') : escaped(String(value));

/** Timestamps as AWS's JSON protocols send them: epoch seconds. */
const wire = (value: unknown) => JSON.stringify(value, function (this: Record<string, unknown>, key, item: unknown) {
  return this[key] instanceof Date ? (this[key] as Date).getTime() / 1000 : item;
});

export function awsJsonStub() {
  const services = { codecommit: serviceStub(), codepipeline: serviceStub(), codedeploy: serviceStub(), sqs: serviceStub(), sts: serviceStub() } satisfies Record<Service, unknown>;
  let server: Server | undefined;
  const answerQuery = (body: string, reply: (status: number, text: string) => void) => {
    const { Action: operation = '', Version: version = '', ...input } = Object.fromEntries(new URLSearchParams(body));
    const service = services[QUERY_SERVICES[version as keyof typeof QUERY_SERVICES]];
    if (!service) return reply(400, `<ErrorResponse><Error><Code>InvalidAction</Code><Message>no stub for version ${escaped(version)}</Message></Error></ErrorResponse>`);
    service.answer(operation, input).then(
      (output) => reply(200, `<${operation}Response><${operation}Result>${xml(output ?? {})}</${operation}Result></${operation}Response>`),
      (error: Error) => reply(400, `<ErrorResponse><Error><Code>${error instanceof AwsError ? 'NotArrangedException' : error.name}</Code><Message>${escaped(error.message)}</Message></Error></ErrorResponse>`),
    );
  };
  return {
    services: services as Record<Service, ServiceStub>,
    /** Starts answering; the URL to set as AWS_ENDPOINT_URL_CODECOMMIT, _CODEPIPELINE, _CODEDEPLOY, _SQS and _STS. */
    async start(): Promise<string> {
      server = createServer((request, response) => {
        let body = '';
        request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        request.on('end', () => {
          if (!request.headers['x-amz-target']) return answerQuery(body, (status, text) => response.writeHead(status, { 'content-type': 'text/xml' }).end(text));
          const [prefix, operation] = String(request.headers['x-amz-target']).split('.') as [keyof typeof SERVICES, string];
          const reply = (status: number, value: unknown) => response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(wire(value));
          const service = services[SERVICES[prefix]];
          if (!service) return reply(400, { __type: 'UnknownOperationException', message: `no stub for ${prefix}` });
          service.answer(operation, JSON.parse(body || '{}') as Record<string, unknown>).then(
            (output) => reply(200, output ?? {}),
            (error: Error) => reply(400, { __type: error instanceof AwsError ? 'NotArrangedException' : error.name, message: error.message }),
          );
        });
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => (server ? (server.closeAllConnections(), server.close(() => resolve())) : resolve())),
  };
}

/**
 * For a test file: the stub, started before all its tests and closed after, and a signed-call
 * client of one service pointed at it (`client(CODEPIPELINE)`), as the adapters take one.
 */
export function awsOnLoopback() {
  const stub = awsJsonStub();
  let endpoint: string;
  beforeAll(async () => void (endpoint = await stub.start()));
  afterAll(() => stub.close());
  /** Where and as whom to call the stub: ask once it has started, in a test. */
  const options = () => ({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  return {
    ...stub.services,
    options,
    /** A client for the service, made when an adapter first asks for it (the stub is started by then). */
    client: (service: Omit<Parameters<typeof awsJsonService>[0], 'endpoint' | 'region' | 'credentials'>) => () => awsJsonService({ ...service, ...options() }),
  };
}
