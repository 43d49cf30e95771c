// `npm run soak -- [options]`: the whole local pipeline through a burst with faults, checked against
// the simulator's ground truth. Exit code 0 only when nothing was lost and the end state is complete.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { workspaceRoot } from '@nx/devkit';
import { soakApps } from './apps';
import { renderReport, withLastRun } from './report';
import { runSoak } from './soak';

async function main(): Promise<void> {
  const program = new Command('soak')
    .option('--seed <n>', 'seed of the simulator and of the fault plan', '20261123')
    .option('--activity <n>', 'notifications of the activity burst (journeys and entities)', '60000')
    .option('--migration <n>', 'notifications of the migration burst (entities)', '40000')
    .option('--fault-window <ms>', 'faults start within this window', '90000')
    .option('--extra-faults <n>', 'faults beyond one of each kind', '4')
    .option('--fuzz <n>', 'fuzz requests sent to radar', '3000')
    .option('--malformed <n>', 'malformed records written into topic 1', '200')
    .option('--converge-timeout <ms>', 'how long to wait for a complete end state', '3600000')
    .option('--json <file>', 'write the whole result as JSON')
    .option('--docs', 'write the figures into docs/reliability.md')
    .parse();
  const o = program.opts<Record<string, string | boolean | undefined>>();
  const num = (k: string) => Number(o[k]);
  const result = await runSoak({
    seed: num('seed'),
    activityEvents: num('activity'),
    migrationEvents: num('migration'),
    faultWindowMs: num('faultWindow'),
    extraFaults: num('extraFaults'),
    fuzzRequests: num('fuzz'),
    malformedRecords: num('malformed'),
    convergeTimeoutMs: num('convergeTimeout'),
    apps: soakApps,
    log: (line) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`),
  });
  const report = renderReport(result);
  console.log(`\n${report}`);
  if (typeof o['json'] === 'string') {
    mkdirSync(dirname(o['json']), { recursive: true });
    writeFileSync(o['json'], JSON.stringify(result, null, 2));
  }
  if (o['docs']) {
    const file = join(workspaceRoot, 'docs', 'reliability.md');
    writeFileSync(file, withLastRun(readFileSync(file, 'utf8'), report));
  }
  process.exit(result.ok ? 0 : 1);
}

if (require.main === module)
  main().catch((e: Error) => {
    console.error(`soak failed: ${e.stack ?? e.message}`);
    process.exit(2);
  });
