// radar throughput and latency against a bare Node `http` floor, side by side in one run.
//
//   npx nx build radar
//   SWC_NODE_PROJECT=tools/tsconfig.tools.json node -r @swc-node/register tools/bench/radar/bench.ts [--seconds 10]
//
// Each server (radar on Fastify, radar on Express, the floor) verifies the real HMAC and writes every
// event with acks=all (idempotent producer) to Apache Kafka (3 KRaft nodes). Per server: the highest sustained rate
// (autocannon, 50 connections, as fast as it answers), then p50/p99 latency at half that rate
// (fixed arrival rate), then peak RSS (VmHWM). Non-2xx answers are counted: any makes the run fail.
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Command } from 'commander';
import { integer } from '@fenx/cli';
import { workspaceRoot } from '@nx/devkit';
import { sign } from '@fenx/hmac';
import { KafkaCluster } from '@fenx/kafka/testing';
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

interface Server {
  name: string;
  command: string[];
  env: Record<string, string>;
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
    total: result.requests.total,
  };
}

async function main(): Promise<void> {
  const o = new Command('radar-bench')
    .option('--seconds <n>', 'seconds per load phase', integer({ min: 1, max: 3600 }), 10)
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 2))
    .parse()
    .opts<{ seconds: number }>();
  const seconds = o.seconds;
  const broker = await KafkaCluster.start({ brokers: 3 });
  const node = process.execPath;
  const servers: Server[] = [
    {
      name: 'floor (node:http)',
      command: [node, '-r', '@swc-node/register', join(__dirname, 'floor.ts')],
      env: { SWC_NODE_PROJECT: 'tools/tsconfig.tools.json' },
    },
    {
      name: 'radar (Fastify)',
      command: [node, join(workspaceRoot, 'dist/apps/radar/main.js')],
      env: { RADAR_HTTP_PLATFORM: 'fastify' },
    },
    {
      name: 'radar (Express)',
      command: [node, join(workspaceRoot, 'dist/apps/radar/main.js')],
      env: { RADAR_HTTP_PLATFORM: 'express' },
    },
  ];
  const rows: string[] = [];
  let floorRps = 0;
  let failed = false;
  try {
    for (const s of servers) {
      const port = await freePort();
      const child: ChildProcess = spawn(s.command[0], s.command.slice(1), {
        cwd: workspaceRoot,
        env: {
          ...process.env,
          ...broker.env(),
          ...s.env,
          PORT: String(port),
          RADAR_WEBHOOK_SECRETS: SECRET,
          LOG_LEVEL: 'warn',
        },
        stdio: 'ignore',
      });
      const url = `http://127.0.0.1:${port}`;
      try {
        await waitFor(
          async () => (await fetch(`${url}/webhooks/fenx`, { method: 'POST', body: '{}' })).status === 401,
          {
            timeoutMs: 60000,
            what: `${s.name} listening`,
          },
        );
        await load(url, 2); // warm-up
        const max = await load(url, seconds);
        const half = await load(url, seconds, Math.round(max.rps / 2));
        const rss = peakRssMb(child.pid ?? 0);
        if (s.name.startsWith('floor')) floorRps = max.rps;
        failed ||= max.non2xx + half.non2xx > 0;
        rows.push(
          `| ${s.name} | ${Math.round(max.rps)} | ${floorRps ? Math.round((100 * max.rps) / floorRps) : '–'} % | ${Math.round(max.rps / 2)} | ${half.p50} ms | ${half.p99} ms | ${rss} MB | ${max.non2xx + half.non2xx} |`,
        );
        console.error(
          `${s.name}: ${Math.round(max.rps)} req/s max, p99 ${half.p99} ms at half, RSS ${rss} MB`,
        );
      } finally {
        child.kill('SIGTERM');
      }
    }
  } finally {
    await broker.stop();
  }
  console.log('| server | max req/s | of floor | fixed rate (req/s) | p50 | p99 | peak RSS | non-2xx |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
  process.exit(failed ? 1 : 0);
}

void main();
