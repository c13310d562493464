/** One line of `tdl doctor`'s checklist; the checks live with what they check (pipeline, adapters). */
export interface CheckResult {
  name: string;
  ok: boolean;
  /** What was found (never a secret). */
  detail: string;
  /** What to do when it failed. */
  fix?: string;
}
