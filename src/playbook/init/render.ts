/** The YAML text `tdl init` writes: commented, validated by the playbook schema on the way out. */
import { stringify } from 'yaml';
import type { SuggestedSuite } from './detect.js';

export interface InitOptions {
  name: string;
  suites: SuggestedSuite[];
  githubRepo?: string;
  gcp?: { project: string; region: string; services: string[] };
  /** Value for the `$schema` modeline. */
  schemaRef: string;
}

const flow = (value: unknown) =>
  stringify(value, { collectionStyle: 'flow', flowCollectionPadding: false, lineWidth: 0 }).trim();

export function renderInitPlaybook(o: InitOptions): string {
  const lines = [
    `# yaml-language-server: $schema=${o.schemaRef}`,
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
      '  # No test runner was found. Replace this with your own suite:',
      '  - id: tests',
      '    command: [npm, test]',
    );
  }
  for (const s of o.suites) {
    lines.push(
      `  # ${s.why}`,
      `  - id: ${s.id}`,
      `    tier: ${s.tier}`,
      `    categories: ${flow(s.categories)}`,
      `    command: ${flow(s.command)}`,
    );
    if (s.report) lines.push(`    report: ${flow(s.report)}`);
    lines.push('    timeout: 10m');
  }
  lines.push(
    '',
    'gates:',
    '  # Later tiers run only when this share of tier-1 tests passed.',
    '  - { afterTier: 1, minPassRate: 0.8 }',
  );
  if (o.githubRepo) {
    lines.push('', 'github:', `  repo: ${flow(o.githubRepo)}`, '  labels: [test-deploy-loop]');
  }
  lines.push('');
  return lines.join('\n');
}
