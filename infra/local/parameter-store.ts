/**
 * Parameter Store on loopback: GetParameter of SSM's JSON protocol, for the AWS CLI
 * (`aws ssm get-parameter --endpoint-url ...`), and the same read as the AWS Parameters and Secrets
 * Lambda Extension serves it (`GET /systemsmanager/parameters/get?name=...`), for the functions,
 * which find it on PARAMETERS_SECRETS_EXTENSION_HTTP_PORT. The local stack keeps the Slack bot
 * token here, so notify-slack reads its secret locally as it does in AWS.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalSsm {
  url: string;
  /** For PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: where the functions' extension would listen. */
  port: number;
  close(): Promise<void>;
}

export async function startLocalSsm(secureStrings: Record<string, string>, port = 0): Promise<LocalSsm> {
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => {
      const reply = (status: number, payload: unknown) => response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(payload));
      const extension = request.method === 'GET' ? new URL(request.url ?? '/', 'http://localhost') : undefined;
      if (extension?.pathname !== '/systemsmanager/parameters/get' && request.headers['x-amz-target'] !== 'AmazonSSM.GetParameter') {
        return reply(400, { __type: 'InvalidAction', message: `the local SSM serves GetParameter, not ${String(request.headers['x-amz-target'] ?? request.url)}` });
      }
      const { Name, WithDecryption } = extension
        ? { Name: extension.searchParams.get('name') ?? undefined, WithDecryption: extension.searchParams.get('withDecryption') === 'true' }
        : (JSON.parse(body || '{}') as { Name?: string; WithDecryption?: boolean });
      const value = Name === undefined ? undefined : secureStrings[Name];
      if (value === undefined) return reply(400, { __type: 'ParameterNotFound', message: `Parameter ${Name} not found.` });
      return reply(200, {
        Parameter: {
          Name,
          Type: 'SecureString',
          // without WithDecryption, SSM answers the ciphertext
          Value: WithDecryption ? value : Buffer.from(`encrypted:${Name}`).toString('base64'),
          Version: 1,
          DataType: 'text',
          ARN: `arn:aws:ssm:us-east-1:000000000000:parameter${Name}`,
          LastModifiedDate: Math.floor(Date.now() / 1000),
        },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: listening } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${listening}`, port: listening, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
