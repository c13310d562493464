/** The YAML text `tdl init` writes: commented, validated by the playbook schema on the way out. */
import { stringify } from 'yaml';
import type { SuggestedSuite } from './detect.js';

export interface InitOptions {
  name: string;
  suites: SuggestedSuite[];
  githubRepo?: string;
  /** The default branch (`name` on GitHub, `ref` as git resolves it here) and how it was found. */
  baseBranch: { name: string; ref: string; from: string };
  gcp?: { project: string; region: string; services: string[] };
  /** Value for the `$schema` modeline; null writes none. */
  schemaRef: string | null;
}

const flow = (value: unknown) =>
  stringify(value, { collectionStyle: 'flow', flowCollectionPadding: false, lineWidth: 0 }).trim();

/** What the placeholder suite runs: doctor fails on it until it is replaced (a real command would pass). */
export const PLACEHOLDER_COMMAND = 'replace-with-your-test-command';

export function renderInitPlaybook(o: InitOptions): string {
  const lines = [
    ...(o.schemaRef
      ? [`# yaml-language-server: $schema=${o.schemaRef}`]
      : [
          '# Editor checking: npx tdl schema > tdl.schema.json, then add: # yaml-language-server: $schema=./tdl.schema.json',
        ]),
    `# Written by \`tdl init\`. Check it with \`tdl run --dry-run\`, then \`tdl doctor\`, then \`tdl run\`.`,
    `name: ${flow(o.name)}`,
    '',
  ];
  if (o.gcp) {
    lines.push(`gcp: { project: ${flow(o.gcp.project)}, region: ${flow(o.gcp.region)} }`, 'services:');
    for (const s of o.gcp.services) lines.push(`  - name: ${flow(s)}`, '    freshWithin: 24h');
    lines.push('');
  }
  lines.push('suites:');
  if (o.suites.length === 0) {
    lines.push(
      '  # No test runner was found. Replace the command with your own (tdl doctor fails until you do):',
      '  - id: tests',
      `    command: [${PLACEHOLDER_COMMAND}]`,
    );
  }
  for (const s of o.suites) {
    lines.push(...s.why.map((w) => `  # ${w}`), `  - id: ${s.id}`);
    if (s.cwd) lines.push(`    cwd: ${flow(s.cwd)}`);
    lines.push(
      `    tier: ${s.tier}`,
      `    categories: ${flow(s.categories)}`,
      `    command: ${flow(s.command)}`,
    );
    if (s.shell) lines.push('    shell: true');
    if (s.env) lines.push(`    env: ${flow(s.env)}`);
    if (s.report) lines.push(`    report: ${flow(s.report)}`);
    lines.push('    timeout: 10m');
  }
  lines.push(
    '',
    'gates:',
    '  # Later tiers run only when this share of tier-1 tests passed.',
    '  - { afterTier: 1, minPassRate: 0.8 }',
    '',
    'decision:',
    `  # The default branch (${o.baseBranch.from}): atomic-change diffs against it.`,
    `  base: ${flow(o.baseBranch.ref)}`,
  );
  if (o.githubRepo) {
    lines.push(
      '',
      'github:',
      `  repo: ${flow(o.githubRepo)}`,
      `  baseBranch: ${flow(o.baseBranch.name)}`,
      '  labels: [test-deploy-loop]',
    );
  }
  lines.push('');
  return lines.join('\n');
}
