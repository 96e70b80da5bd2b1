import { createServer, type Server, type Socket } from 'node:net';
import { slack } from '../../../shared/adapters';

// Parameter Store that takes the connection and never answers: the token's read must end well
// within the function's 30 s, as every other AWS call does.
describe('the Slack adapter', () => {
  let silent: Server;
  const connections = new Set<Socket>();
  beforeAll(async () => {
    silent = createServer((socket) => void connections.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => {
    for (const socket of connections) socket.destroy();
    return new Promise((resolve) => silent.close(resolve));
  });

  it('gives up on a Parameter Store that does not answer, within its time limits', async () => {
    const address = silent.address() as { port: number };
    Object.assign(process.env, { SLACK_BOT_TOKEN_PARAMETER: '/release-conductor/test/silent', PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(address.port), RC_AWS_REQUEST_TIMEOUT_MS: '300', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    const startedAt = Date.now();
    const outcome = await slack()
      .post('#deploys', { text: 'hello', blocks: [] }, { key: 'k', deadline: Date.now() + 20_000 })
      .then(() => 'posted', (error: Error) => `${error.name}: ${error.message}`);
    expect(outcome).toMatch(/could not read the parameter .*(timeout|timed out|aborted)/i);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });
});
