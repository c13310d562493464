/** One renderer per phase; a phase without its own shows its findings. */
import type { PhaseId } from '../../pipeline/record.js';
import { genericSection } from './common.js';
import { renderCompliance } from './compliance.js';
import { renderRunTests } from './run-tests.js';
import { renderSelectTests } from './select-tests.js';
import type { SectionRenderer } from './types.js';

const generic: SectionRenderer = (result) => genericSection(result.findings);

export const SECTION_RENDERERS: Record<PhaseId, SectionRenderer> = {
  'deploy-status': generic,
  'select-tests': renderSelectTests,
  'run-tests': renderRunTests,
  'root-cause': generic,
  compliance: renderCompliance,
  stability: generic,
  publish: generic,
};
