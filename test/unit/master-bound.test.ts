/**
 * The master issue stays under GitHub's body limit forever (issue 13 point 6): 5,000 lifetime
 * clusters, mostly closed or all open; open tasks listed whole, closed ones folded into a count and a
 * link, and the next run reads its own body back.
 */
import { describe, expect, it } from 'vitest';
import {
  GITHUB_BODY_LIMIT,
  MASTER_CLOSED_SHOWN,
  type MasterItem,
  masterBody,
  masterTasks,
} from '../../src/phases/6-publish/bodies.js';

const TASK = /^- \[[ x]\] #\d+ `[^`]+` — tier \d+, \d+ test\(s\)$/;

function items(n: number, open: (k: number) => boolean): MasterItem[] {
  return Array.from({ length: n }, (_, k) => ({
    number: k + 1,
    // Long, realistic titles (80 characters): the worst case for the body's size.
    title:
      `E2E-DEPLOY-Assertion-Expected-Invoice-Total-Cart-${String(k).padStart(5, '0')}-checkout-flow-x`.slice(
        0,
        80,
      ),
    tier: 1 + (k % 3),
    tests: 1 + (k % 7),
    closed: !open(k),
  }));
}

const render = (list: MasterItem[], closedTotal = 0) =>
  masterBody({
    markers: '<!-- tdl:meta {} -->',
    playbook: 'shop',
    runId: 'tdl-20260101-000000-abcdef',
    rule: 'phase 5 decided defer',
    summary: '1 passed, 2 failed',
    worklog: '[worklogs/x.md](https://github.com/acme/shop/blob/main/worklogs/x.md)',
    items: list,
    closedTotal,
    issuesUrl: 'https://github.com/acme/shop/issues',
    label: 'test-deploy-loop',
  });

/** Every line that starts like a task is a whole task line. */
const tasksWhole = (body: string) =>
  body
    .split('\n')
    .filter((l) => l.startsWith('- ['))
    .every((l) => TASK.test(l));

describe('master issue with 5,000 lifetime clusters', () => {
  it('4,990 closed and 10 open: every open task listed, the recent closed ticked, the rest counted', () => {
    const list = items(5000, (k) => k % 500 === 0);
    const body = render(list);
    expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    const tasks = masterTasks(body);
    expect(tasks.filter((t) => !t.closed).map((t) => t.number)).toEqual(
      list
        .filter((i) => !i.closed)
        .sort((a, b) => a.tier - b.tier || b.tests - a.tests || a.number - b.number)
        .map((i) => i.number),
    );
    expect(tasks.filter((t) => t.closed)).toHaveLength(MASTER_CLOSED_SHOWN);
    expect(Math.min(...tasks.filter((t) => t.closed).map((t) => t.number))).toBeGreaterThan(4900);
    expect(body).toContain(
      `- **Closed earlier:** ${4990 - MASTER_CLOSED_SHOWN} issue(s) ([all closed](https://github.com/acme/shop/issues?q=is%3Aissue%20is%3Aclosed%20label%3A%22test-deploy-loop%22))`,
    );
    expect(tasksWhole(body)).toBe(true);
  });

  it('5,000 open: as many whole tasks as fit, lower tiers first, the rest counted and linked', () => {
    const list = items(5000, () => true);
    const body = render(list);
    expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(tasksWhole(body)).toBe(true);
    const listed = masterTasks(body);
    expect(listed.length).toBeGreaterThan(300);
    expect(listed.every((t) => !t.closed)).toBe(true);
    // Lower tiers first: no listed task has a higher tier than one left out.
    const maxListed = Math.max(...listed.map((t) => t.tier));
    const left = list.filter((i) => !listed.some((t) => t.number === i.number));
    expect(Math.min(...left.map((i) => i.tier))).toBeGreaterThanOrEqual(maxListed);
    expect(body).toContain(`- …and **${5000 - listed.length} more open** issue(s) not listed here`);
    expect(body).toContain('[all open](https://github.com/acme/shop/issues?q=is%3Aissue%20is%3Aopen');
    // The dependency chain stays bounded as well.
    expect(body).toMatch(/\*\*Dependency chain\*\*\n\n#\d+(, #\d+)* and \d+ more → /);
  });

  it('the next run starts from the body it wrote: the body never grows past the limit', () => {
    let list = items(400, () => true);
    let body = render(list);
    // Each of 12 later runs closes 400 and files 400 new ones (5,200 lifetime clusters in all).
    let closedTotal = 0;
    for (let run = 1; run <= 12; run++) {
      const back = masterTasks(body);
      closedTotal += back.filter((t) => !t.closed).length;
      const fresh = items(400, () => true).map((i) => ({ ...i, number: i.number + run * 400 }));
      list = [...back.map((t) => ({ ...t, closed: true })), ...fresh];
      body = render(list, closedTotal);
      expect(body.length, `run ${run}`).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
      expect(tasksWhole(body)).toBe(true);
    }
    expect(body).toContain(`- **Closed earlier:** ${closedTotal - MASTER_CLOSED_SHOWN} issue(s)`);
    expect(masterTasks(body).filter((t) => !t.closed)).toHaveLength(400);
  });

  it('reads back titles with backticks and pipes as written', () => {
    const body = render([{ number: 3, title: 'a `b` | c', tier: 1, tests: 2, closed: false }]);
    expect(masterTasks(body)).toEqual([{ number: 3, title: 'a `b` | c', tier: 1, tests: 2, closed: false }]);
  });
});
