// Phase 3's log step (issue 18): 10 services x 5,000 error entries each in the Cloud Logging emulator,
// 100 ms added to every call. Side by side in one run:
//  1. the slowest single service's query chain alone (its 5 pages of 1,000, one after the other),
//  2. phase 3's log step for all 10 services (readServiceLogs: every service in parallel, each with
//     its no-new-errors baseline read alongside) — target: at most 1.5x the slowest single chain,
//  3. the peak RSS of a process doing 2 once, as a run does (target: at most 150 MB): its own process,
//     which loads tdl and the client, reads one service (the client's first call loads its protos and
//     opens the channel, as the first service of a run does), then runs the step for all services.
//     The timing process's own peak after its repeated steps is printed beside it: it is higher,
//     because V8 grows its heap over repeated reads of 50,000 entries before it collects.
// The emulator runs in its own process, so that neither its 50,000 stored entries (in 3) nor its work
// of answering (in 1 and 2) are counted as tdl's: 1 and 2 are measured the same way, side by side in
// the one client process, through the real @google-cloud/logging client over loopback. The log
// payloads pass through a real Redactor, as in a run. Also printed: the CPU time the client process
// spent in 2 (what the 1.5x budget has to fit: the 10 chains wait in parallel, their entries are
// decoded and grouped on one thread), its RSS before 2 (node, tdl's modules and the client loaded and
// warmed: the part of 3 that is not the read), and its peak RSS after reading one service alone.
// Env: BENCH_LOGS_SERVICES (10), BENCH_LOGS_ENTRIES (5000), BENCH_LOGS_LATENCY_MS (100), BENCH_LOGS_RUNS (5).
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => join(root, 'dist', p);
const SERVICES = Number(process.env.BENCH_LOGS_SERVICES ?? 10);
const ENTRIES = Number(process.env.BENCH_LOGS_ENTRIES ?? 5000);
const LATENCY = Number(process.env.BENCH_LOGS_LATENCY_MS ?? 100);
const RUNS = Number(process.env.BENCH_LOGS_RUNS ?? 5);
const T0 = Date.parse('2026-03-01T10:00:00Z');
const window = { start: new Date(T0).toISOString(), end: new Date(T0 + 3_600_000).toISOString() };
const names = Array.from({ length: SERVICES }, (_, i) => `svc-${i}`);
const traceId = 'a'.repeat(32);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${ms.toFixed(0)} ms`;
const range = (xs) => `(${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`;

async function emulatorProcess() {
  const { startLoggingEmulator } = await import(dist('sandbox/logging/emulator.js'));
  const emulator = await startLoggingEmulator({ project: 'bench', latencyMs: LATENCY });
  for (const service of names) {
    emulator.state.add(
      Array.from({ length: ENTRIES }, (_, i) => ({
        service,
        revision: `${service}-00002-new`,
        json: {
          message: `request ${i} failed: upstream ${['timeout', 'reset', 'refused'][i % 3]} after ${i % 900} ms for user${i}`,
          stack: `Error: upstream\n    at handler (src/handler.js:${40 + (i % 5)}:7)`,
        },
        at: T0 + 1000 + i * 500,
        trace: `projects/bench/traces/${i % 50 === 0 ? traceId : (i + 1).toString(16).padStart(32, '0')}`,
        spanId: (i + 1).toString(16).padStart(16, '0'),
      })),
    );
    emulator.state.add(
      Array.from({ length: 50 }, (_, i) => ({
        service,
        revision: `${service}-00001-old`,
        message: `request ${i} failed: upstream timeout after ${i} ms`,
        at: T0 + 1000 + i * 1000,
      })),
    );
  }
  process.send({ endpoint: emulator.endpoint });
  process.on('message', async () => {
    await emulator.close();
    process.exit(0);
  });
}

async function stepProcess(endpoint, rssOnly) {
  const [{ createLogsPort }, { readServiceLogs }, { Redactor }] = await Promise.all([
    import(dist('adapters/observability/index.js')),
    import(dist('phases/3-root-cause/deployment-read.js')),
    import(dist('telemetry/redact.js')),
  ]);
  const redactor = new Redactor(['bench-secret-value-0001']);
  const gcp = {
    project: 'bench',
    region: 'us-central1',
    callTimeout: 30_000,
    retries: 0,
    backoff: 10,
    pollInterval: 10,
  };
  const port = await createLogsPort(gcp, endpoint);
  const logs = { enabled: true, severity: 'ERROR', maxEntries: ENTRIES, maxPages: 10, timeout: 60_000 };
  const services = names.map((name) => ({
    name,
    verdict: 'pass',
    reason: '',
    url: null,
    latestReadyRevision: `${name}-00002-new`,
    latestCreatedRevision: `${name}-00002-new`,
    target: { url: null, revision: `${name}-00002-new`, via: 'service' },
    traffic: [
      { revision: `${name}-00002-new`, percent: 50, latest: false, tag: null, uri: null },
      { revision: `${name}-00001-old`, percent: 50, latest: false, tag: null, uri: null },
    ],
  }));
  const input = (only) => ({
    ports: {
      logs: async () => port,
      metrics: async () => {
        throw new Error('not in this bench');
      },
      cloudRun: async () => {
        throw new Error('not in this bench');
      },
    },
    services: services.filter((s) => !only || s.name === only),
    configs: names.map((name) => ({ name, logs })),
    window,
    traceId,
    redact: (t) => redactor.redact(t),
    callTimeoutMs: 30_000,
  });
  // Warm-up: the client's first call loads protos and opens the channel.
  await readServiceLogs(input(names[0]), false);
  const warmRssMb = process.memoryUsage().rss / 1048576;
  const onePeakMb = process.resourceUsage().maxRSS / 1024;
  if (rssOnly) {
    const out = await readServiceLogs(input(), true);
    const read = out.logs.reduce((n, l) => n + l.entries, 0);
    if (read !== ENTRIES * SERVICES) throw new Error(`the step read ${read} entries`);
    await port.close();
    process.send({ warmRssMb, onePeakMb, maxRssMb: process.resourceUsage().maxRSS / 1024 });
    process.exit(0);
  }
  // And one whole step, so the emulator has matched every filter (tested and baseline revisions) and
  // encoded every page once: its filter evaluation over 50,000 entries is the emulator's CPU, not a
  // cost of Cloud Logging's answer (that is the 100 ms), and would otherwise delay the first run.
  await readServiceLogs(input(), true);
  const single = [];
  const all = [];
  const cpu = [];
  for (let r = 0; r < RUNS; r++) {
    const perService = [];
    for (const n of names) {
      const t = process.hrtime.bigint();
      const out = await readServiceLogs(input(n), false);
      perService.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (out.logs[0].entries !== ENTRIES) throw new Error(`read ${out.logs[0].entries} entries of ${n}`);
    }
    single.push(Math.max(...perService));
    const c = process.cpuUsage();
    const t = process.hrtime.bigint();
    const out = await readServiceLogs(input(), true);
    all.push(Number(process.hrtime.bigint() - t) / 1e6);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
    const read = out.logs.reduce((n, l) => n + l.entries, 0);
    if (read !== ENTRIES * SERVICES || out.logs.some((l) => l.baseline?.state !== 'read'))
      throw new Error(`the step read ${read} entries (${out.logs.map((l) => l.reason).join('; ')})`);
  }
  await port.close();
  process.send({ single, all, cpu, warmRssMb, onePeakMb, maxRssMb: process.resourceUsage().maxRSS / 1024 });
  process.exit(0);
}

function child(role, arg) {
  const p = fork(fileURLToPath(import.meta.url), [role, ...(arg ? [arg] : [])], { stdio: 'inherit' });
  return {
    p,
    message: new Promise((resolve, reject) => {
      p.once('message', resolve);
      p.once('exit', (c) => c && reject(new Error(`${role} exited ${c}`)));
    }),
  };
}

if (process.argv[2] === 'emulator') await emulatorProcess();
else if (process.argv[2] === 'step') await stepProcess(process.argv[3], false);
else if (process.argv[2] === 'rss') await stepProcess(process.argv[3], true);
else {
  const emu = child('emulator');
  const { endpoint } = await emu.message;
  try {
    const step = child('step', endpoint);
    const { single, all, cpu, maxRssMb: repeatedRssMb } = await step.message;
    // After the timing runs, so the emulator is warm (its filters matched, its pages encoded once).
    const once = child('rss', endpoint);
    const { warmRssMb, onePeakMb, maxRssMb } = await once.message;
    const ratio = median(all) / median(single);
    console.log(
      `${SERVICES} services x ${ENTRIES} entries, ${LATENCY} ms per call, pages of 1000, medians of ${RUNS}:`,
    );
    console.log(`  slowest single service's chain alone: ${fmt(median(single))} ${range(single)}`);
    console.log(`  phase 3 log step, all services + baselines: ${fmt(median(all))} ${range(all)}`);
    console.log(
      `  ratio: ${ratio.toFixed(2)}x (target <= 1.5x)   peak RSS of a process running the step once: ${maxRssMb.toFixed(0)} MB (target <= 150 MB)`,
    );
    console.log(
      `  CPU time of the step's process in the step: ${fmt(median(cpu))} ${range(cpu)}; RSS before the step (node, modules, client loaded and warm): ${warmRssMb.toFixed(0)} MB; peak RSS of the timing process after ${RUNS + 1} steps: ${repeatedRssMb.toFixed(0)} MB`,
    );
    console.log(
      `  peak RSS of the same process having read one service alone (5 pages, one at a time): ${onePeakMb.toFixed(0)} MB`,
    );
  } finally {
    emu.p.send('stop');
  }
}
