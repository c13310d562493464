/** One renderer per phase; a phase without its own shows its findings. */
import type { PhaseId } from '../../core/record.js';
import { renderCompliance } from './compliance.js';
import { renderDeployStatus } from './deploy-status.js';
import { renderPublish } from './publish.js';
import { renderRootCause } from './root-cause.js';
import { renderRunTests } from './run-tests.js';
import { renderSelectTests } from './select-tests.js';
import { renderStability } from './stability.js';
import type { SectionRenderer } from './types.js';

export const SECTION_RENDERERS: Record<PhaseId, SectionRenderer> = {
  'deploy-status': renderDeployStatus,
  'select-tests': renderSelectTests,
  'run-tests': renderRunTests,
  'root-cause': renderRootCause,
  compliance: renderCompliance,
  stability: renderStability,
  publish: renderPublish,
};
