import { bundle } from '../support/bundles';

// What npm run bench measured to cost cold start, kept out of every deployed bundle (docs/benchmarks.md).
const FUNCTIONS = ['hello', 'on-push', 'on-build', 'on-deploy', 'on-pipeline', 'notify-slack', 'slack-interactions', 'act-from-slack'];
const bundles = new Map<string, Awaited<ReturnType<typeof bundle>>>();
beforeAll(async () => {
  for (const name of FUNCTIONS) bundles.set(name, await bundle(`functions/${name}/handler.ts`));
}, 60_000);

describe.each(FUNCTIONS)('the %s bundle', (name) => {
  it("holds none of the SDK's default credential chain: no profiles, SSO, instance metadata, nor their STS clients", () => {
    expect(bundles.get(name)!.kept.filter((path) => /@aws-sdk\/(credential-provider-(node|ini|sso|process|web-identity|http)|nested-clients)\//.test(path))).toEqual([]);
  });

  it('holds one copy of zod/mini: not the method-chaining zod, nor its CommonJS build', () => {
    expect(bundles.get(name)!.kept.filter((path) => path.includes('zod/') && (path.includes('/classic/') || path.endsWith('.cjs')))).toEqual([]);
  });

  it("holds none of the local stage's adapters, nor the child_process and fs/promises they load (4 ms of a cold start)", () => {
    expect(bundles.get(name)!.kept.filter((path) => path.startsWith('shared/local/'))).toEqual([]);
    expect(bundles.get(name)!.code).not.toMatch(/require\("node:(child_process|fs\/promises)"\)/);
  });

  it('makes no import() at run time, which would load the ES module loader and undici', () => {
    expect(bundles.get(name)!.code).not.toMatch(/\bimport\(/);
  });
});

it.each(FUNCTIONS.filter((name) => name !== 'hello'))("gives %s no AWS SDK client: its calls are signed with the credentials Lambda puts in the environment", (name) => {
  const { kept } = bundles.get(name)!;
  expect(kept).toContain('shared/aws/signed-call.ts');
  expect(kept.filter((path) => /@aws-sdk\/(client-|credential-provider-)/.test(path))).toEqual([]);
});

// each event function builds the schema of its own event only, when it loads
const OWN_EVENT = { 'on-push': ['envelope', 'codecommit'], 'on-build': ['envelope', 'codebuild'], 'on-deploy': ['envelope', 'codedeploy'], 'on-pipeline': ['envelope', 'codepipeline'], 'notify-slack': ['envelope', 'sns', 'release-notification'] } as const;
it.each(Object.entries(OWN_EVENT))('holds in %s no event schema but its own (%s)', (name, own) => {
  expect(bundles.get(name)!.kept.filter((path) => path.includes('shared/event-schemas/')).map((path) => path.replace(/.*event-schemas\/(.*)\.ts$/, '$1')).sort()).toEqual([...own].sort());
});

// what they publish is parsed by notify-slack alone: they have its type, not its schema to build
it.each(['on-push', 'on-build', 'on-deploy', 'on-pipeline'])("builds in %s no schema of the notification it publishes", (name) => {
  expect(bundles.get(name)!.code).not.toContain('decidedBy');
});
