// radar throughput, latency and memory against a bare Node `http` floor, side by side in one run.
//
//   npx nx build radar
//   SWC_NODE_PROJECT=tools/tsconfig.tools.json node -r @swc-node/register tools/bench/radar/bench.ts \
//     [--seconds 10] [--runs 3] [--profile-seconds 10]
//
// Four servers do the same work (work.ts: the real HMAC, radar's notification validator, the topic-1
// record, acks=all with the idempotent producer in grouped produce calls, the answer after the
// acknowledgement) against one Apache Kafka cluster (3 KRaft nodes): the floor (node:http), plain
// Fastify without Nest, radar on Fastify, radar on Express. Per server and run: the highest sustained
// rate (autocannon, 50 connections, as fast as it answers), p50/p99 latency at half that rate (fixed
// arrival rate), peak RSS (VmHWM) and the non-2xx answers. The servers take turns within a run; the
// runs are repeated and each server's median ratio to the floor of the same run is reported with its
// spread. Then radar on Fastify is run once more under full load with --cpu-prof and its top
// self-time frames are summarized. Any non-2xx answer makes the run fail.
import { ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import autocannon from 'autocannon';
import { Command } from 'commander';
import { integer } from '@fenx/cli';
import { workspaceRoot } from '@nx/devkit';
import { sign } from '@fenx/hmac';
import { KafkaCluster } from '@fenx/kafka/test';
import { freePort, waitFor } from '@fenx/testing';

const SECRET = 'bench-secret';
const BODY = JSON.stringify({
  Id: '6f1c1e2a-1111-4222-8333-944455556666',
  TenantId: '45bf62ac-e4b1-4c16-ae32-d774cd18db6d',
  EventType: 'journey:taskcompleted',
  RelativeUrl: 'journeyquery/api/journey-instance/0b8e6c3a-2222-4333-8444-955566667777',
  Payload: { taskId: '1d5f0c9e-3333-4444-8555-a66677778888', stageName: 'Onboarding' },
  When: '2026-11-23T05:00:00.1234567Z',
  CorrelationId: 'c0ffee00-0000-4000-8000-000000000001',
  CausationId: null,
});
/** radar's V8 heap limits (its container command in deploy/k8s/base/radar.yaml), given to every server alike. */
const HEAP_FLAGS = ['--max-old-space-size=128', '--max-semi-space-size=4'];
const TS = ['-r', '@swc-node/register'];

interface Server {
  name: string;
  args: string[];
  env: Record<string, string>;
}

const SERVERS: Server[] = [
  { name: 'floor (node:http)', args: [...TS, join(__dirname, 'floor.ts')], env: {} },
  { name: 'Fastify (no Nest)', args: [...TS, join(__dirname, 'fastify.ts')], env: {} },
  {
    name: 'radar (Fastify)',
    args: [join(workspaceRoot, 'dist/apps/radar/main.js')],
    env: { RADAR_HTTP_PLATFORM: 'fastify' },
  },
  {
    name: 'radar (Express)',
    args: [join(workspaceRoot, 'dist/apps/radar/main.js')],
    env: { RADAR_HTTP_PLATFORM: 'express' },
  },
];

interface Result {
  server: string;
  run: number;
  max: number;
  ratio: number;
  rate: number;
  p50: number;
  p99: number;
  rss: number;
  non2xx: number;
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

async function load(url: string, seconds: number, overallRate?: number) {
  const result = await autocannon({
    url: `${url}/webhooks/fenx`,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-fenx-signature': sign(BODY, SECRET) },
    body: BODY,
    connections: 50,
    duration: seconds,
    ...(overallRate ? { overallRate } : {}),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
  };
}

async function started(
  s: Server,
  broker: KafkaCluster,
  extraArgs: string[] = [],
): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [...HEAP_FLAGS, ...extraArgs, ...s.args], {
    cwd: workspaceRoot,
    env: {
      ...process.env,
      ...broker.env(),
      ...s.env,
      SWC_NODE_PROJECT: 'tools/tsconfig.tools.json',
      PORT: String(port),
      RADAR_WEBHOOK_SECRETS: SECRET,
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => (await fetch(`${url}/webhooks/fenx`, { method: 'POST', body: '{}' })).status === 401,
    { timeoutMs: 60000, what: `${s.name} listening` },
  );
  return { child, url };
}

async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exit;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (x: number) => `${Math.round(100 * x)} %`;
const int = (x: number) => Math.round(x).toLocaleString('en-US');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/**
 * Self time per frame and per package of a .cpuprofile, as shares of the samples taken between
 * `fromMs` and `toMs` after the process started (the load, not the start-up).
 */
function summarize(file: string, fromMs: number, toMs: number): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const hitsOf = new Map<number, number>();
  let t = 0;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] / 1000;
    if (t >= fromMs && t <= toMs) hitsOf.set(id, (hitsOf.get(id) ?? 0) + 1);
  });
  const total = [...hitsOf.values()].reduce((a, b) => a + b, 0);
  const byFrame = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const n of profile.nodes) {
    const hits = hitsOf.get(n.id) ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const where =
      url === '' ? '' : ` ${relative(workspaceRoot, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}`;
    const frame = `${functionName || '(anonymous)'}${where}`;
    byFrame.set(frame, (byFrame.get(frame) ?? 0) + hits);
    const pkg =
      url === ''
        ? functionName
        : url.startsWith('node:')
          ? 'node: (core)'
          : (/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
            relative(workspaceRoot, url.replace(/^file:\/\//, '')));
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
  }
  const top = (m: Map<string, number>, n: number) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  return [
    '| self time | frame |',
    '| --- | --- |',
    ...top(byFrame, 15).map(
      ([f, h]) => `| ${((100 * h) / total).toFixed(1)} % | \`${f.replace(/\|/g, '\\|')}\` |`,
    ),
    '',
    '| self time | package |',
    '| --- | --- |',
    ...top(byPackage, 12).map(([p, h]) => `| ${((100 * h) / total).toFixed(1)} % | ${p} |`),
  ];
}

async function main(): Promise<void> {
  const o = new Command('radar-bench')
    .option('--seconds <n>', 'seconds per load phase', integer({ min: 1, max: 3600 }), 10)
    .option('--runs <n>', 'runs of every server; 0: the profile only', integer({ min: 0, max: 20 }), 3)
    .option(
      '--profile-seconds <n>',
      'seconds of radar (Fastify) under --cpu-prof; 0: none',
      integer({ min: 0, max: 600 }),
      10,
    )
    .option('--profile-out <file>', 'keep the .cpuprofile (Chrome DevTools, speedscope)')
    .option(
      '--warmup-seconds <n>',
      "load on the floor before anything is measured, while the brokers' JIT warms up",
      integer({ min: 0, max: 3600 }),
      60,
    )
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 2))
    .parse()
    .opts<{
      seconds: number;
      runs: number;
      profileSeconds: number;
      profileOut?: string;
      warmupSeconds: number;
    }>();
  const broker = await KafkaCluster.start({ brokers: 3 });
  const results: Result[] = [];
  let profileLines: string[] = [];
  const profileDir = mkdtempSync(join(tmpdir(), 'radar-cpu-prof-'));
  try {
    {
      // Kafka's JVMs warm up (JIT, leaders, topic 1 created) before anything is measured: with 10 s,
      // every server of the first runs measured slower than the same server later in the script.
      const { child, url } = await started(SERVERS[0], broker);
      try {
        if (o.warmupSeconds > 0) await load(url, o.warmupSeconds);
      } finally {
        await stopped(child);
      }
    }
    for (let run = 1; run <= o.runs; run++) {
      // Each run starts with another server, so that none is always first or last.
      const order = SERVERS.map((_, i) => SERVERS[(i + run - 1) % SERVERS.length]);
      const measured: Result[] = [];
      for (const s of order) {
        const { child, url } = await started(s, broker);
        try {
          await load(url, 2); // warm-up
          const max = await load(url, o.seconds);
          const half = await load(url, o.seconds, Math.round(max.rps / 2));
          const r: Result = {
            server: s.name,
            run,
            max: max.rps,
            ratio: 0,
            rate: Math.round(max.rps / 2),
            p50: half.p50,
            p99: half.p99,
            rss: peakRssMb(child.pid ?? 0),
            non2xx: max.non2xx + half.non2xx,
          };
          measured.push(r);
          console.error(
            `run ${run} ${s.name}: ${int(r.max)} req/s, p50 ${r.p50} ms p99 ${r.p99} ms at ${r.rate}/s, RSS ${r.rss} MB, non-2xx ${r.non2xx}`,
          );
        } finally {
          await stopped(child);
        }
      }
      const floor = measured.find((r) => r.server === SERVERS[0].name) as Result;
      for (const s of SERVERS) {
        const r = measured.find((m) => m.server === s.name) as Result;
        results.push({ ...r, ratio: r.max / floor.max });
      }
    }
    if (o.profileSeconds > 0) {
      const radar = SERVERS[2];
      const spawnedAt = Date.now();
      const { child, url } = await started(radar, broker, [
        '--cpu-prof',
        `--cpu-prof-dir=${profileDir}`,
        '-r',
        join(__dirname, 'exit-on-term.cjs'),
      ]);
      let window = [0, 0];
      try {
        await load(url, 2);
        const from = Date.now() - spawnedAt;
        const under = await load(url, o.profileSeconds);
        window = [from, Date.now() - spawnedAt];
        console.error(`profile of ${radar.name}: ${int(under.rps)} req/s under --cpu-prof`);
      } finally {
        await stopped(child);
      }
      const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (file && o.profileOut) copyFileSync(join(profileDir, file), o.profileOut);
      profileLines = file
        ? summarize(join(profileDir, file), window[0], window[1])
        : ['(no profile written)'];
    }
  } finally {
    await broker.stop();
    rmSync(profileDir, { recursive: true, force: true });
  }

  if (o.runs > 0) printResults(results, o.runs);
  if (profileLines.length) {
    console.log(`\nCPU profile of radar (Fastify), ${o.profileSeconds} s at full load, self time:\n`);
    for (const l of profileLines) console.log(l);
  }
  process.exit(results.some((r) => r.non2xx > 0) ? 1 : 0);
}

function printResults(results: Result[], runs: number): void {
  console.log(
    `Median of ${runs} runs (ratio: to the floor of the same run; spread: lowest–highest ratio):\n`,
  );
  console.log(
    '| server | max req/s | of floor | spread | fixed rate (req/s) | p50 | p99 | peak RSS | non-2xx |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const s of SERVERS) {
    const rs = results.filter((r) => r.server === s.name);
    const ratios = rs.map((r) => r.ratio);
    console.log(
      `| ${s.name} | ${int(median(rs.map((r) => r.max)))} | ${pct(median(ratios))} | ${pct(Math.min(...ratios))}–${pct(Math.max(...ratios))} | ${int(median(rs.map((r) => r.rate)))} | ${median(rs.map((r) => r.p50))} ms | ${median(rs.map((r) => r.p99))} ms | ${median(rs.map((r) => r.rss))} MB | ${rs.reduce((n, r) => n + r.non2xx, 0)} |`,
    );
  }
  console.log('\nEvery run:\n');
  console.log(
    '| run | server | max req/s | of floor | fixed rate (req/s) | p50 | p99 | peak RSS | non-2xx |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results)
    console.log(
      `| ${r.run} | ${r.server} | ${int(r.max)} | ${pct(r.ratio)} | ${int(r.rate)} | ${r.p50} ms | ${r.p99} ms | ${r.rss} MB | ${r.non2xx} |`,
    );
}

void main();
