import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(__dirname, '..', '..', '..');

// The operational scripts talk to the local stack over HTTP; they load none of its stand-ins.
const OPERATIONAL_SCRIPTS = ['scripts/report.ts', 'scripts/redrive.ts', 'scripts/replay.ts', 'scripts/slack.ts'];
/** From infra/local/, the scripts need only these, which start nothing. */
const LIGHT_MODULES = ['infra/local/endpoints.ts', 'infra/local/event-bus-client.ts', 'infra/local/slack-click.ts'];
const STAND_IN_PACKAGES = ['dynalite', 'serverless', 'serverless-offline', 'serverless-offline-aws-eventbridge'];

const packageOf = (path: string) => path.split('/').slice(0, path.startsWith('@') ? 2 : 1).join('/');

/** Our files the script's bundle takes in, and the packages it imports, as esbuild resolves them. */
async function whatItLoads(script: string): Promise<{ files: string[]; packages: string[] }> {
  const { metafile } = await build({ entryPoints: [script], absWorkingDir: ROOT, bundle: true, platform: 'node', packages: 'external', write: false, metafile: true, logLevel: 'silent' });
  const inputs = Object.entries(metafile.inputs);
  return {
    files: inputs.map(([file]) => file),
    packages: inputs.flatMap(([, input]) => input.imports.filter((imported) => imported.external).map((imported) => packageOf(imported.path))),
  };
}

describe.each(OPERATIONAL_SCRIPTS)('%s', (script) => {
  it('loads no local stand-in and no emulator package', async () => {
    const { files, packages } = await whatItLoads(script);
    expect(files.filter((file) => file.startsWith('infra/local/') && !LIGHT_MODULES.includes(file))).toEqual([]);
    expect(packages.filter((name) => STAND_IN_PACKAGES.includes(name))).toEqual([]);
  });
});
