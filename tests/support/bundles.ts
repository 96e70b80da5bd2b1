import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { parse } from 'yaml';
import type { DynamoDocuments } from '../../shared/aws/dynamodb-documents';

const ROOT = join(__dirname, '..', '..');
// The policy is data (infra/esbuild-plugins.cjs loads it with tsx, which jest's module system does
// not allow): which commands a bundle holds does not depend on it, so any valid one does.
const policyAsData = (policy: object): Plugin => ({
  name: 'policy-as-data',
  setup(build) {
    build.onResolve({ filter: /release-policy\.yml$/ }, () => ({ path: 'release-policy', namespace: 'policy' }));
    build.onLoad({ filter: /.*/, namespace: 'policy' }, () => ({ contents: JSON.stringify(policy), loader: 'json' }));
  },
});
const serverless = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), { logLevel: 'silent' }) as { custom: { esbuild: Omit<BuildOptions, 'define'> & { define: string } }; params: { default: Record<string, unknown> } };
const { minify, sourcemap, mainFields, platform, target, format, treeShaking, supported, define } = serverless.custom.esbuild;
// `define: ${param:buildDefine}`, as a deployed (not the local) stage resolves it
const defineParam = /^\$\{param:(\w+)\}$/.exec(define)?.[1];
if (!defineParam) throw new Error(`serverless.yml's custom.esbuild.define is ${define}, not a \${param:…} tests/support/bundles.ts can resolve`);

/** serverless.yml's `custom.esbuild` without serverless-esbuild's own keys, as a deployed stage resolves it: what esbuild builds every function with. */
export const DEPLOYED_BUILD: BuildOptions = { bundle: true, minify, sourcemap, mainFields, platform, target, format, treeShaking, supported, define: serverless.params.default[defineParam] as Record<string, string>, absWorkingDir: ROOT };

/**
 * A function bundled as serverless.yml bundles it, with `policy` as its release-policy.yml: its
 * code, and the files it keeps after tree-shaking (not every file esbuild read).
 */
export async function bundle(entry: string, policy: object = { teams: {}, repositories: {} }): Promise<{ code: string; kept: string[] }> {
  const { metafile, outputFiles } = await build({ entryPoints: [join(ROOT, entry)], outfile: 'handler.js', ...DEPLOYED_BUILD, write: false, metafile: true, logLevel: 'error', plugins: [policyAsData(policy)] });
  const kept = Object.values(metafile.outputs).flatMap(({ inputs }) => Object.entries(inputs).filter(([, { bytesInOutput }]) => bytesInOutput > 0).map(([path]) => path));
  return { code: outputFiles.find((file) => file.path.endsWith('handler.js'))!.text, kept };
}

// The DynamoDB operation each method of shared/aws/dynamodb-documents.ts sends.
const DOCUMENT_ACTIONS: Record<keyof DynamoDocuments, string> = { get: 'dynamodb:GetItem', put: 'dynamodb:PutItem', update: 'dynamodb:UpdateItem', delete: 'dynamodb:DeleteItem', queryAll: 'dynamodb:Query' };

/**
 * The AWS calls a function's bundle makes (its adapters sign and send them themselves,
 * shared/aws/signed-call.ts), as IAM actions: the DynamoDB methods a kept adapter calls, and each operation an adapter
 * of another service names (`service: 'codepipeline'`, `'StartPipelineExecution'`) that the bundle
 * still calls (the name, then the input: `"StartPipelineExecution",{`).
 */
export async function awsActionsIn(entry: string): Promise<string[]> {
  const { kept, code } = await bundle(entry);
  const adapters = readdirSync(join(ROOT, 'shared/aws')).filter((file) => file.endsWith('.ts') && file !== 'dynamodb-documents.ts').map((file) => `shared/aws/${file}`);
  const actions = adapters.flatMap((path) => {
    const source = readFileSync(join(ROOT, path), 'utf8');
    // the service the adapter declares, else the one its file is named for (codepipeline-control.ts)
    const service = /service: '([a-z]+)'/.exec(source)?.[1] ?? /^shared\/aws\/(codecommit|codepipeline|codedeploy)/.exec(path)?.[1];
    return [
      ...(kept.includes(path) ? [...source.matchAll(/client\.(get|put|update|delete|queryAll)\(/g)].map(([, method]) => DOCUMENT_ACTIONS[method as keyof DynamoDocuments]) : []),
      // a REST operation is named by its path, not in the call
      ...(service === 'lambda' && code.includes('/invocations') ? ['lambda:InvokeFunction'] : []),
      ...(service ? [...source.matchAll(/'((?:Get|List|Start|BatchGet|Put|Retry|Rollback|Publish|Send|Assume)[A-Za-z]*)'/g)].filter(([, operation]) => code.includes(`"${operation}",{`)).map(([, operation]) => `${service}:${operation}`) : []),
    ];
  });
  return [...new Set(actions)].sort();
}
