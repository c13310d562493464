/**
 * The master issue's item state in its hidden marker (issue 19 point 4): written by `masterBody`,
 * read back by `readMasterState`; a body written before the marker, or with a marker cut, corrupted or
 * outdated by an edit, is read from its task lines as before, and nothing here ever throws.
 */
import { describe, expect, it } from 'vitest';
import type { GhIssue } from '../../src/adapters/github/port.js';
import { stableHash } from '../../src/core/ids.js';
import { previousMasterItems } from '../../src/phases/6-publish/apply.js';
import {
  GITHUB_BODY_LIMIT,
  type MasterItem,
  masterBody,
  masterTasks,
} from '../../src/phases/6-publish/bodies.js';
import { readMasterState } from '../../src/services/issue-markers.js';

const render = (items: MasterItem[], closedTotal = 0) =>
  masterBody({
    markers: '<!-- tdl:fingerprint=0123456789abcdef -->',
    playbook: 'shop',
    runId: 'tdl-20260101-000000-abcdef',
    rule: 'phase 5 decided defer',
    summary: '1 passed, 2 failed',
    worklog: '[worklogs/x.md](https://github.com/acme/shop/blob/main/worklogs/x.md)',
    items,
    closedTotal,
    issuesUrl: 'https://github.com/acme/shop/issues',
    label: 'tdl',
  });

const ITEMS: MasterItem[] = [
  { number: 3, title: 'a `b` | c', tier: 1, tests: 2, closed: false },
  { number: 4, title: 'E2E-DEPLOY-Expected-200-Got-503', tier: 2, tests: 1, closed: false },
  { number: 7, title: 'ends a comment --> <!-- and "quotes" \\ é ✓', tier: 1, tests: 5, closed: true },
  { number: 9, title: 'Closed-Earlier-One', tier: 3, tests: 1, closed: true },
];
const MARKER_LINE = /\n<!-- tdl:master-state [0-9a-f]{12} \{[^\n]*\} -->$/;
/** The body as a version before the marker wrote it: the same text, no marker line. */
const withoutMarker = (body: string) => body.replace(MARKER_LINE, '\n');

describe('master state marker', () => {
  it('round trip: the tasks listed, in the body order, closed ones with their titles, and the counts', () => {
    const body = render(ITEMS, 6);
    expect(body).toMatch(MARKER_LINE);
    const state = readMasterState(body);
    expect(state).not.toBeNull();
    const fromLines = masterTasks(body);
    expect(state?.items).toEqual(fromLines.map((t) => ({ ...t, title: t.closed ? t.title : null })));
    expect(state?.items.find((i) => i.number === 7)?.title).toBe(ITEMS[2]?.title);
    expect(state?.closedTotal).toBe(6);
    expect(state?.moreOpen).toBe(0);
    // One HTML comment that nothing inside can end early: a reader sees none of it.
    const line = body.slice(body.lastIndexOf('\n') + 1);
    expect(line.indexOf('-->')).toBe(line.length - 3);
    expect(line.slice('<!-- '.length, -' -->'.length)).not.toMatch(/[<>]/);
  });

  it('what a person sees is the body without the marker, task lines unchanged', () => {
    const body = render(ITEMS, 6);
    const visible = withoutMarker(body);
    expect(masterTasks(visible)).toEqual(masterTasks(body));
    expect(visible).toContain('- **Closed earlier:** 4 issue(s)');
    expect(visible.endsWith('**Dependency chain**\n\n#3 → #4\n')).toBe(true);
  });

  it('counts the open tasks that did not fit, and the body stays under the limit', () => {
    const many: MasterItem[] = Array.from({ length: 2000 }, (_, k) => ({
      number: k + 1,
      title: `E2E-DEPLOY-Assertion-Expected-Invoice-Total-Cart-${String(k).padStart(5, '0')}-checkout-flow-x`,
      tier: 1 + (k % 3),
      tests: 1,
      closed: false,
    }));
    const body = render(many);
    expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    const state = readMasterState(body);
    expect(state?.items.length).toBe(masterTasks(body).length);
    expect(state?.moreOpen).toBe(2000 - masterTasks(body).length);
    expect(body).toContain(`- …and **${state?.moreOpen} more open** issue(s)`);
  });

  it('a body written before the marker: no state, read from its task lines', () => {
    const old = withoutMarker(render(ITEMS, 6));
    expect(readMasterState(old)).toBeNull();
    const known = new Map<number, GhIssue>();
    expect(previousMasterItems(old, known)).toEqual(masterTasks(old).map((t) => ({ ...t, closed: true })));
  });

  it('a marker cut at any point, or any character of it changed: fall back, never throw', () => {
    const body = render(ITEMS, 6);
    const start = body.lastIndexOf('<!-- tdl:master-state');
    const fallback = previousMasterItems(withoutMarker(body), new Map());
    for (let at = start; at < body.length; at++) {
      const cut = body.slice(0, at);
      expect(readMasterState(cut), `cut at ${at}`).toBeNull();
      expect(previousMasterItems(cut, new Map())).toEqual(fallback);
    }
    for (let at = start; at < body.length; at++) {
      const ch = body[at] === '0' ? '1' : '0';
      const bad = body.slice(0, at) + ch + body.slice(at + 1);
      expect(readMasterState(bad), `changed at ${at}`).toBeNull();
      expect(() => previousMasterItems(bad, new Map())).not.toThrow();
    }
  });

  it('a marker of another version or shape, even with a matching hash, is not read', () => {
    const body = withoutMarker(render(ITEMS, 6));
    for (const json of [
      '{"v":2,"closedTotal":0,"moreOpen":0,"items":[]}',
      '{"v":1,"items":[[-1,0,0,0]]}',
      '[1',
    ]) {
      const hash = stableHash(['tdl-master-state', body, json], 12);
      expect(readMasterState(`${body}<!-- tdl:master-state ${hash} ${json} -->`), json).toBeNull();
    }
  });

  it('a body edited since tdl wrote it (a task ticked, a line added by hand) is read from its task lines', () => {
    const body = render(ITEMS, 6);
    const ticked = body.replace('- [ ] #4 ', '- [x] #4 ');
    const added = body.replace('- [ ] #4 ', '- [ ] #12 `Added-By-Hand` — tier 1, 1 test(s)\n- [ ] #4 ');
    for (const edited of [ticked, added]) expect(readMasterState(edited)).toBeNull();
    expect(previousMasterItems(added, new Map()).map((i) => i.number)).toContain(12);
  });

  it('items come up to date with the listing: titles and states from it, a closed title from the marker', () => {
    const body = render(ITEMS, 6);
    const issue = (number: number, title: string, state: 'open' | 'closed'): GhIssue => ({
      number,
      title,
      body: '',
      state,
      labels: ['tdl'],
      url: `https://github.com/acme/shop/issues/${number}`,
    });
    const known = new Map([
      [3, issue(3, 'Renamed-Since', 'closed')],
      [9, issue(9, 'Reopened', 'open')],
    ]);
    const items = previousMasterItems(body, known).sort((a, b) => a.number - b.number);
    expect(items).toEqual([
      { number: 3, title: 'Renamed-Since', tier: 1, tests: 2, closed: true },
      // Not in the listing (its label removed): closed; an open task's title is its task line's.
      { number: 4, title: 'E2E-DEPLOY-Expected-200-Got-503', tier: 2, tests: 1, closed: true },
      { number: 7, title: ITEMS[2]?.title, tier: 1, tests: 5, closed: true },
      { number: 9, title: 'Reopened', tier: 3, tests: 1, closed: false },
    ]);
  });
});
