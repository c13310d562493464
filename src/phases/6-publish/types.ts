/** Data phase 6 (publish) leaves in the run record; read by the worklog and `tdl publish`. */
import type { Decision } from '../../core/states.js';
import type { ActionResult, PublishOutcome } from './apply.js';
import type { Route } from './drafts.js';

export type PublishTarget = 'github' | 'outbox';

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
