import type { PhaseResult, RunRecord } from '../../core/record.js';

export interface RenderView {
  /** A path as shown in the worklog: relative to the worklog folder when possible. */
  rel(path: string): string;
}

/** Renders the body of one phase's section (the heading and state line are added by the caller). */
export type SectionRenderer = (result: PhaseResult, record: RunRecord, view: RenderView) => string;
