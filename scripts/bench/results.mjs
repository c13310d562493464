// `tdl results` on a generated JUnit file of 100,000 test cases (about 50 MB; every tenth fails with a
// stack trace). Target: at most 2 s wall and 300 MB peak RSS (peak RSS from /usr/bin/time -f %M).
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'cli', 'main.cjs');
const CASES = 100_000;

async function generate(path) {
  const out = createWriteStream(path);
  const write = (s) => (out.write(s) ? Promise.resolve() : new Promise((r) => out.once('drain', r)));
  const frames = Array.from(
    { length: 24 },
    (_, i) => `    at Object.fn${i} (/srv/app/src/module_${i}/handler.ts:${100 + i}:17) &lt;caf&#xE9;&gt;`,
  ).join('\n');
  await write(
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="${CASES}" failures="${CASES / 10}">\n`,
  );
  const padding = 'x'.repeat(180);
  for (let s = 0; s < CASES / 100; s++) {
    let chunk = `  <testsuite name="suite ${s}" tests="100">\n`;
    for (let i = 0; i < 100; i++) {
      const n = s * 100 + i;
      chunk += `    <testcase classname="pkg.module${s}.Class" name="test number ${n} ${padding}" time="0.${String(n % 1000).padStart(3, '0')}"`;
      chunk +=
        n % 10 === 0
          ? `>\n      <failure message="expected 1 to equal 2 in case ${n}" type="AssertionError"><![CDATA[AssertionError: expected 1 to equal 2\n${frames}]]></failure>\n    </testcase>\n`
          : '/>\n';
    }
    await write(`${chunk}  </testsuite>\n`);
  }
  await write('</testsuites>\n');
  await new Promise((r) => out.end(r));
}

const dir = mkdtempSync(join(tmpdir(), 'tdl-bench-results-'));
try {
  const file = join(dir, 'big.xml');
  await generate(file);
  const mb = statSync(file).size / 1e6;
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, cli, 'results', file], {
      encoding: 'utf8',
    });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    const kb = Number(r.stderr.trim().split('\n').pop());
    if (r.status !== 1) throw new Error(`tdl results exited ${r.status}: ${r.stderr}`);
    runs.push({ ms, kb, first: r.stdout.split('\n')[0] });
  }
  runs.sort((a, b) => a.ms - b.ms);
  // For information (no target): --json prints every case, stacks included.
  const t = process.hrtime.bigint();
  const j = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, cli, 'results', '--json', file], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const jsonMs = Number(process.hrtime.bigint() - t) / 1e6;
  const jsonKb = Number(j.stderr.trim().split('\n').pop());
  const med = runs[1];
  console.log(`${CASES} cases, ${mb.toFixed(1)} MB JUnit: ${med.first}`);
  console.log(
    `tdl results: median wall ${med.ms.toFixed(0)} ms of 3 (target <= 2000 ms); peak RSS ${(Math.max(...runs.map((r) => r.kb)) / 1024).toFixed(0)} MB (target <= 300 MB)`,
  );
  console.log(
    `tdl results --json (every case, for information): wall ${jsonMs.toFixed(0)} ms; peak RSS ${(jsonKb / 1024).toFixed(0)} MB; ${(j.stdout.length / 1e6).toFixed(1)} MB of JSON`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
