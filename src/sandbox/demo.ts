/**
 * `npm run demo`: starts the loopback emulators, runs `tdl run` on playbooks/demo.yaml as a real child
 * process, prints what the emulators now hold, and stops them. Needs no credentials.
 *
 * The demo's loop is expected to defer (its tier-1 suite has a real failure), so tdl exits 1; the demo
 * itself exits 0 when tdl exited 0 or 1, and passes any other exit code through.
 */

import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { DEMO_JOB, startDemoCloudRun } from './cloudrun/demo.js';
import { startDemoGitHub } from './github/demo.js';
import { startDemoLogging } from './logging/demo.js';
import { startDemoMonitoring } from './monitoring/demo.js';
import { startDemoStorage } from './storage/demo.js';
import type { DemoSandbox } from './types.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

async function main(): Promise<number> {
  const sandboxes = (
    await Promise.all([
      startDemoCloudRun(),
      startDemoGitHub(),
      startDemoLogging(),
      startDemoMonitoring(),
      startDemoStorage(),
    ])
  ).filter((s): s is DemoSandbox => s !== null);
  try {
    const env: Record<string, string> = Object.assign({}, ...sandboxes.map((s) => s.env));
    const extra = process.argv.slice(2);
    // `--shards N` runs the suites on Cloud Run Jobs (the emulator's tasks are local tdl processes).
    const sharded = extra.includes('--shards') && !extra.includes('--executor');
    const args = [
      'dist/cli/main.cjs',
      'run',
      '-p',
      'playbooks/demo.yaml',
      ...(sharded ? ['--executor', 'cloud-run-jobs', '--job', DEMO_JOB] : []),
      ...extra,
    ];
    process.stderr.write(`$ tdl ${args.slice(1).join(' ')}\n`);
    const child = await execa(process.execPath, args, { cwd: root, env, stdio: 'inherit', reject: false });
    for (const s of sandboxes) {
      for (const line of await s.describe()) process.stderr.write(`${line}\n`);
    }
    const code = child.exitCode ?? 1;
    process.stderr.write(
      code === 1
        ? '\ntdl exited 1 (tests failed: defer), as expected: the demo service has a real failure in its mission-critical suite.\n'
        : `\ntdl exited ${code}.\n`,
    );
    process.stderr.write(
      [
        '',
        'To run the same loop against your own project (from its folder):',
        '  npx tdl init      # writes tdl.yaml: your suites with report flags, your GitHub repo',
        '  npx tdl doctor    # checks Node, git, the playbook, credentials, tokens, suite commands',
        '  npx tdl run       # the loop: deployment, tests by tier, audit, decision, worklog, publish',
        '',
      ].join('\n'),
    );
    return code <= 1 ? 0 : code;
  } finally {
    await Promise.all(sandboxes.map((s) => s.close()));
  }
}

process.exitCode = await main();
