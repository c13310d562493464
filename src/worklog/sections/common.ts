import type { Finding } from '../../core/record.js';
import { table } from '../markdown.js';

export function findingsTable(findings: readonly Finding[]): string {
  if (findings.length === 0) return '';
  return table(
    ['Severity', 'Kind', 'Subject', 'Finding'],
    findings.map((f) => [f.severity, `\`${f.kind}\``, f.subject ?? '', f.message]),
  );
}
