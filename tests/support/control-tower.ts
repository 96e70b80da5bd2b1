/**
 * AWS Control Tower's proactive controls, as @cdklabs/cdk-validator-cfnguard ships them with the
 * cfn-guard binary (https://docs.aws.amazon.com/controltower/latest/controlreference/proactive-controls.html),
 * run over a template, against the exceptions the template itself declares: `Metadata.guard.SuppressedRules`
 * on a resource, with `Metadata.guard.Reasons` saying why.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Resource = { Metadata?: { guard?: { SuppressedRules?: string[]; Reasons?: Record<string, string> } } };

export interface ControlTowerReport {
  /** `RULE LogicalId` for every control a resource fails, suppressed or not. */
  failures: Set<string>;
  /** Failures the template does not declare as exceptions. */
  unsuppressed: string[];
  /** Exceptions without a reason of at least a sentence. */
  unexplained: string[];
  /** Exceptions kept for a control that passes now. */
  stale: string[];
}

export function controlTowerReport(template: { Resources: Record<string, unknown> }): ControlTowerReport {
  const validator = join(__dirname, '..', '..', 'node_modules/@cdklabs/cdk-validator-cfnguard');
  const binary = join(validator, 'bin', process.platform === 'darwin' ? 'macos' : 'ubuntu', process.arch === 'arm64' ? 'aarch64' : 'x86_64', 'cfn-guard');
  const dir = mkdtempSync(join(tmpdir(), 'rc-guard-'));
  try {
    const data = join(dir, 'template.json');
    writeFileSync(data, JSON.stringify(template));
    const guard = spawnSync(binary, ['validate', '--rules', join(validator, 'rules/control-tower/cfn-guard'), '--data', data, '--output-format', 'sarif', '--show-summary', 'none', '--structured'], { encoding: 'utf8' });
    if (guard.error) throw guard.error;
    const results = (JSON.parse(guard.stdout) as { runs: { results: { ruleId: string; message: { text: string } }[] }[] }).runs[0]!.results;
    const failures = new Set(results.map(({ ruleId, message }) => `${ruleId} ${/\/Resources\/([^/[\]]+)/.exec(message.text)?.[1] ?? '(no resource)'}`));
    const suppressed = new Map<string, string | undefined>();
    for (const [logicalId, resource] of Object.entries(template.Resources) as [string, Resource][]) {
      for (const rule of resource.Metadata?.guard?.SuppressedRules ?? []) suppressed.set(`${rule} ${logicalId}`, resource.Metadata?.guard?.Reasons?.[rule]);
    }
    return {
      failures,
      unsuppressed: [...failures].filter((failure) => !suppressed.has(failure)),
      unexplained: [...suppressed].filter(([, reason]) => !reason || reason.length < 20).map(([exception]) => exception),
      stale: [...suppressed.keys()].filter((exception) => !failures.has(exception)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
