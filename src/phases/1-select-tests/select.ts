/** Pure selection and ordering of suites for phase 1. */
import { UsageError } from '../../core/errors.js';
import type { Selection } from '../../phase-data/select-tests.js';
import type { SuiteConfig } from '../../playbook/sections/suites.js';

/** Categories (and suite ids) a focus may name. */
export function knownFocuses(suites: readonly SuiteConfig[]): string[] {
  return [...new Set(suites.flatMap((s) => s.categories))].sort();
}

/**
 * Picks suites for a focus and orders them: by tier, then (within a tier) suites that failed in the
 * previous run first (`failing-first`) or last (`failing-last`), then playbook order.
 */
export function selectSuites(
  suites: readonly SuiteConfig[],
  focus: string,
  previouslyFailing: ReadonlySet<string>,
  order: 'failing-first' | 'failing-last',
): Selection {
  const matches = (s: SuiteConfig) => focus === 'all' || s.categories.includes(focus) || s.id === focus;
  const chosen = suites.filter(matches);
  if (chosen.length === 0) {
    const known = knownFocuses(suites);
    throw new UsageError(
      'EFOCUS',
      `--focus ${focus} matches no suite; known categories: ${known.length ? known.join(', ') : '(none)'}; suite ids: ${suites.map((s) => s.id).join(', ')}; or "all"`,
    );
  }
  const position = new Map(suites.map((s, i) => [s.id, i]));
  const failRank = (s: SuiteConfig) => {
    const failed = previouslyFailing.has(s.id);
    return order === 'failing-first' ? (failed ? 0 : 1) : failed ? 1 : 0;
  };
  const ordered = [...chosen].sort(
    (a, b) => a.tier - b.tier || failRank(a) - failRank(b) || position.get(a.id)! - position.get(b.id)!,
  );
  const selected = ordered.map((s) => {
    const why = [
      focus === 'all' ? 'focus all' : s.id === focus ? `suite id ${focus}` : `category ${focus}`,
      `tier ${s.tier}`,
    ];
    if (previouslyFailing.has(s.id)) why.push(`failed in the previous run (${order})`);
    return { id: s.id, tier: s.tier, reason: why.join('; ') };
  });
  const excluded = suites
    .filter((s) => !matches(s))
    .map((s) => ({ id: s.id, reason: `categories [${s.categories.join(', ')}] do not include ${focus}` }));
  return { focus, selected, excluded };
}
