import type { EvidenceLink } from '../phase-data/root-cause.js';

/** The name of each evidence link, in the worklog (phase 3's section) and in issues (phase 6). */
export const LINK_TITLES: Record<EvidenceLink['kind'], string> = {
  assertion: 'Assertion / error',
  frame: 'Top project frame',
  'last-change': 'Last commit touching it',
  'first-failed': 'First run it failed in',
  'deployed-revision': 'Deployed revision then',
  'github-issue': 'Open GitHub issue',
  'revision-log': "Error logged by the tested revision (this run's trace)",
};
