import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { awsClientConfig } from './client-config';

/** A SecureString from Parameter Store, cached five minutes, never logged; the SSM client's time limits are every other client's. */
export function secureString(name: string): () => Promise<string> {
  const parameters = new SSMProvider({ clientConfig: awsClientConfig() });
  return async () => {
    const value = await parameters.get(name, { decrypt: true, maxAge: 300 });
    if (!value) throw new Error(`the parameter ${name} is empty`);
    return value;
  };
}
