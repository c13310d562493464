// `tdl mcp` figures (issue 21), measured side by side in one run, through the SDK's own client over
// stdio (as an agent reaches it):
//  1. Start-up: spawning `tdl mcp` until the MCP handshake (initialize) has answered, vs spawning
//     `node -e 0` until it exits and `tdl --version` until it exits.
//  2. Time from `tools/call run` to the first progress notification (the run names its id), and to
//     the first phase's, vs a `ping` round trip on the same connection (the protocol's own
//     latency). The playbook is one suite of `node -e 0`; `--publish none`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'cli', 'main.cjs');
const node = process.execPath;
const ROUNDS = Number(process.env.BENCH_MCP_ROUNDS ?? 11);

const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;

function wall(args) {
  const t = now();
  const r = spawnSync(node, args, { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
  return now() - t;
}

const dir = mkdtempSync(join(tmpdir(), 'tdl-bench-mcp-'));
const env = { ...process.env, CI: 'true', NO_COLOR: '1', TDL_STATE_DIR: join(dir, '.tdl') };

async function connect() {
  const transport = new StdioClientTransport({
    command: node,
    args: [cli, 'mcp'],
    cwd: dir,
    env,
    stderr: 'ignore',
  });
  const client = new Client({ name: 'tdl-bench', version: '0' });
  const t = now();
  await client.connect(transport);
  return { client, ms: now() - t };
}

try {
  mkdirSync(join(dir, '.git'));
  writeFileSync(
    join(dir, 'tdl.yaml'),
    `name: bench-mcp\nsuites:\n  - id: s\n    command: ${JSON.stringify([node, '-e', '0'])}\n`,
  );

  // 1. start-up, the three interleaved round by round.
  const mcp = [];
  const bare = [];
  const version = [];
  for (let i = 0; i < ROUNDS; i++) {
    const { client, ms } = await connect();
    mcp.push(ms);
    await client.close();
    bare.push(wall(['-e', '0']));
    version.push(wall([cli, '--version']));
  }
  const [m, b, v] = [median(mcp), median(bare), median(version)];
  console.log(
    `tdl mcp start-up (spawn → initialize answered): median ${fmt(m)}; node -e 0: ${fmt(b)} (ratio ${(m / b).toFixed(2)}x); tdl --version: ${fmt(v)} (ratio ${(m / v).toFixed(2)}x); ${ROUNDS} rounds`,
  );

  // 2. tools/call run → first progress notification, on one connection.
  const { client } = await connect();
  const first = [];
  const firstPhase = [];
  const whole = [];
  const list = [];
  for (let i = 0; i < ROUNDS; i++) {
    let t0 = 0;
    let tFirst = null;
    let tPhase = null;
    const onprogress = (p) => {
      const t = now();
      tFirst ??= t;
      if (tPhase === null && p.message?.startsWith('phase ')) tPhase = t;
    };
    t0 = now();
    const r = await client.callTool({ name: 'run', arguments: { publish: 'none' } }, undefined, {
      onprogress,
    });
    whole.push(now() - t0);
    if (r.isError || tFirst === null) throw new Error(`run failed: ${JSON.stringify(r.content)}`);
    first.push(tFirst - t0);
    firstPhase.push(tPhase - t0);
    const l = now();
    await client.ping();
    list.push(now() - l);
  }
  await client.close();
  const [f, p, w, l] = [median(first), median(firstPhase), median(whole), median(list)];
  console.log(
    `tools/call run → first progress notification: median ${fmt(f)}; → first phase started: ${fmt(p)}; whole call ${fmt(w)}; ping round trip ${fmt(l)} (first progress / round trip ${(f / l).toFixed(1)}x); ${ROUNDS} rounds`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
