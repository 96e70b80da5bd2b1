import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Bundled in place of the SDK's default credential chain (serverless.yml `custom.esbuild.alias`).
 * Lambda hands every function its role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
 * and AWS_SESSION_TOKEN, and the local stack sets them too; the chain's other providers (profiles,
 * SSO, instance metadata, and the STS clients they carry) are 116 KB that no function reaches.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
