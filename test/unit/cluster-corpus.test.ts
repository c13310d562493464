/**
 * Clustering quality on the labelled corpus of real failures (test/fixtures/clusters/: real public
 * projects at pinned commits, broken in realistic ways, their real suites run; see generate.mjs).
 * Scores the built code (`npm test` builds first). Figures per project: `npm run bench clusters`.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module shared with scripts/bench/clusters.mjs
import { scenarios, scoreCorpus } from '../fixtures/clusters/corpus.mjs';

interface Score {
  precision: number;
  recall: number;
}
interface Scored {
  perScenario: (Score & {
    project: string;
    scenario: string;
    failures: number;
    causes: number;
    mixed: string[];
  })[];
  projects: (Score & { project: string; failures: number })[];
  overall: Score & { failures: number };
}

const score = (await scoreCorpus()) as Scored;

describe('the clustering corpus', () => {
  it('holds at least 150 labelled real failures from at least 6 projects, with provenance', () => {
    expect(score.overall.failures).toBeGreaterThanOrEqual(150);
    expect(score.projects.filter((p) => p.failures > 0).length).toBeGreaterThanOrEqual(6);
    for (const s of scenarios() as {
      doc: { provenance: { repo: string; commit: string }; causes: object };
    }[]) {
      expect(s.doc.provenance.repo).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(s.doc.provenance.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(Object.keys(s.doc.causes).length).toBeGreaterThan(0);
    }
    // Two independent bugs at once, in more than one project.
    expect(
      new Set(score.perScenario.filter((s) => s.causes > 1).map((s) => s.project)).size,
    ).toBeGreaterThanOrEqual(2);
  });

  it('distinct causes never merge: no cluster of any run holds two causes', () => {
    for (const s of score.perScenario) expect(s.mixed, `${s.project}/${s.scenario}`).toEqual([]);
    expect(score.overall.precision).toBeGreaterThanOrEqual(0.9);
  });

  it('B-cubed precision and recall are both at least 0.9 over the corpus', () => {
    expect(score.overall.precision).toBeGreaterThanOrEqual(0.9);
    expect(score.overall.recall).toBeGreaterThanOrEqual(0.9);
  });

  it('a changed data shape is one cluster: the regression range of its one hunk joins its failures', () => {
    // ufo/path-shape: one renamed field fails 163 tests 7 different ways (TypeErrors in decodePath and
    // parseFilename, wrong values in 4 test files); with its regression range they are one cluster.
    const path = score.perScenario.find((s) => s.project === 'ufo' && s.scenario === 'path-shape');
    expect(path?.recall).toBe(1);
    // Two bugs landed together (two files, or two hunks of one file) are not joined by their range.
    for (const s of score.perScenario.filter((x) => x.causes > 1)) expect(s.mixed).toEqual([]);
  });
});
