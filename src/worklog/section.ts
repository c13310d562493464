/** What a phase's worklog section is made with: its renderer's type, and the findings table every section ends with. */
import type { Finding, PhaseId, PhaseResult, RunRecord } from '../core/record.js';
import { table } from './markdown.js';

export interface RenderView {
  /** A path as shown in the worklog: relative to the worklog folder when possible. */
  rel(path: string): string;
}

/** Renders the body of one phase's section (the heading and state line are added by the caller). */
export type SectionRenderer = (result: PhaseResult, record: RunRecord, view: RenderView) => string;

/** Each phase's renderer, by phase id (the phases declare them: `Phase.render`, src/phases/index.ts). */
export type SectionRenderers = Readonly<Record<PhaseId, SectionRenderer>>;

export function findingsTable(findings: readonly Finding[]): string {
  if (findings.length === 0) return '';
  return table(
    ['Severity', 'Kind', 'Subject', 'Finding'],
    findings.map((f) => [f.severity, `\`${f.kind}\``, f.subject ?? '', f.message]),
  );
}
