// Issue 15's matrices at full size, against the built CLI (dist/): the secret matrix (every shape in
// every place, through real runs to the GitHub emulator and the outbox) and the kill matrix (SIGKILLs
// at random moments then resume or the next run; INT, TERM, HUP, QUIT and double INT on suites with
// children, grandchildren, setsid descendants and TERM-ignoring processes). CI runs them reduced.
// Env: BENCH_SECRET_ROUNDS (default 3), BENCH_SIGKILLS (default 150), BENCH_SIGNAL_ROUNDS (default 2:
// 2 x 30 = 60 signal trials), BENCH_FUZZ_PLAYBOOKS (default 300, plus the hostile set), BENCH_FUZZ_REPORTS
// (default 50): the input fuzz, every case a child process of the CLI under /usr/bin/time.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'cli', 'main.cjs');
const { runSecretMatrix } = await import(join(root, 'dist', 'sandbox', 'matrix', 'secrets.js'));
const { runKillMatrix } = await import(join(root, 'dist', 'sandbox', 'matrix', 'kills.js'));
const { fuzzPlaybooks, fuzzReports } = await import(join(root, 'dist', 'sandbox', 'matrix', 'fuzz.js'));

const rounds = Number(process.env.BENCH_SECRET_ROUNDS ?? 3);
let t = Date.now();
const s = await runSecretMatrix(cli, rounds);
console.log(
  `secret matrix: ${s.rounds} round(s), ${s.shapes} shapes x ${s.places} places x ${s.outputs} outputs = ${s.cells} cells; ` +
    `${s.leaks.length} leak(s); ${s.jsonDocs} JSON documents, ${s.jsonBroken.length} unparseable; ${((Date.now() - t) / 1000).toFixed(0)} s`,
);
for (const l of s.leaks.slice(0, 20)) console.log(`  leak: ${l.shape} from ${l.place} into ${l.output}`);
console.log(`  places seen in outputs (controls): ${JSON.stringify(s.reached)}`);

t = Date.now();
const k = await runKillMatrix(cli, {
  sigkills: Number(process.env.BENCH_SIGKILLS ?? 150),
  signalRounds: Number(process.env.BENCH_SIGNAL_ROUNDS ?? 2),
});
console.log(
  `kill matrix: ${k.sigkills} SIGKILLs, ${k.signalTrials} signal trials, ${k.processesSeen} suite processes started; ` +
    `${k.orphans} orphan(s), ${k.duplicateWorklogs} duplicate worklog(s), ${k.staleLocks} stale lock(s), ` +
    `${k.recordsRunning} record(s) left running, ${k.wrongExitCodes.length} wrong exit code(s); ${((Date.now() - t) / 1000).toFixed(0)} s`,
);
console.log(`  SIGKILLs landed in: ${JSON.stringify(k.killedIn)}`);
for (const w of k.wrongExitCodes.slice(0, 20)) console.log(`  ${w}`);

for (const [what, run] of [
  ['playbooks', () => fuzzPlaybooks(cli, Number(process.env.BENCH_FUZZ_PLAYBOOKS ?? 300))],
  [
    'reports',
    () =>
      fuzzReports(
        cli,
        join(root, 'test', 'fixtures', 'reports'),
        Number(process.env.BENCH_FUZZ_REPORTS ?? 50),
      ),
  ],
]) {
  t = Date.now();
  const f = run();
  console.log(
    `fuzz, ${what}: ${f.cases} cases; ${f.accepted} accepted, ${f.usageErrors} exit 2; ` +
      `${f.unlocated.length} exit 2 without a location, ${f.stackTraces.length} stack trace(s), ${f.otherExits.length} other exit(s), ` +
      `${f.overLimits.length} over 1 GB or 10 s of CPU; max RSS ${f.maxRssMb.toFixed(0)} MB, slowest ${f.slowest}; ${((Date.now() - t) / 1000).toFixed(0)} s`,
  );
  for (const x of [...f.unlocated, ...f.stackTraces, ...f.otherExits, ...f.overLimits].slice(0, 20))
    console.log(`  ${x}`);
}
