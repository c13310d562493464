/** Data phase 1 (select-tests) leaves in the run record; read by phase 2 and the worklog. */

export interface SelectedSuite {
  id: string;
  tier: number;
  reason: string;
}

/** The suites a focus picked, in run order (src/phases/1-select-tests/select.ts). */
export interface Selection {
  focus: string;
  selected: SelectedSuite[];
  excluded: { id: string; reason: string }[];
}

export interface SelectTestsData extends Selection {
  order: 'failing-first' | 'failing-last';
  previous: {
    runId: string;
    startedAt: string;
    worklog: string | null;
    decision: string | null;
    /** Tests that failed or errored in that run (absent in records written before this field). */
    failing?: number;
  } | null;
  /** Open GitHub issues with the playbook's first label; null when they were not read (and why). */
  openIssues: { number: number; title: string; url: string }[] | null;
  /** Where the open issues were read from, or why they were not. */
  openIssuesNote: string;
}
