/**
 * Parameter Store on loopback: GetParameter of SSM's JSON protocol, enough for Powertools
 * Parameters and the AWS CLI (`aws ssm get-parameter --endpoint-url ...`). The local stack keeps
 * the Slack bot token here, so notify-slack reads its secret locally as it does in AWS.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalSsm {
  url: string;
  close(): Promise<void>;
}

export async function startLocalSsm(secureStrings: Record<string, string>, port = 0): Promise<LocalSsm> {
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => {
      const reply = (status: number, payload: unknown) => response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(payload));
      if (request.headers['x-amz-target'] !== 'AmazonSSM.GetParameter') {
        return reply(400, { __type: 'InvalidAction', message: `the local SSM serves GetParameter, not ${String(request.headers['x-amz-target'])}` });
      }
      const { Name, WithDecryption } = JSON.parse(body || '{}') as { Name?: string; WithDecryption?: boolean };
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
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
