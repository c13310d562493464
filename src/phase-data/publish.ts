/** Data phase 6 (publish) leaves in the run record; read by the worklog and `tdl publish`. */
import type { Decision } from '../core/states.js';

export type PublishTarget = 'github' | 'outbox';

export type Route = 'defer' | 'proceed-change' | 'proceed-no-change';

export interface ActionResult {
  action: string;
  status: 'done' | 'unchanged' | 'planned';
  number?: number;
  url?: string;
}

export interface PublishOutcome {
  actions: ActionResult[];
  /** Issues this run filed or touched, with their links. */
  issues: {
    kind: 'master' | 'child';
    number: number;
    title: string;
    url: string;
    state: 'open' | 'closed';
  }[];
  pull: { number: number; url: string } | null;
}

export interface PublishData {
  target: PublishTarget;
  /** Why this target: the flag, or where a token was (or was not) found. Never the token. */
  targetReason: string;
  route: Route;
  decision: Decision;
  /** The rule that chose the route, e.g. "no decision from phase 5; verdicts not green → defer". */
  rule: string;
  dryRun: boolean;
  actions: ActionResult[];
  issues: PublishOutcome['issues'];
  pull: PublishOutcome['pull'];
  /** The outbox folder, when drafts were written there. */
  outbox: string | null;
}
