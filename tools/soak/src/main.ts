// `npm run soak -- [options]`: the whole local pipeline through a burst with faults, checked against
// the simulator's ground truth. Exit code 0 only when nothing was lost and the end state is complete.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { decimal, integer, runMain } from '@fenx/cli';
import { workspaceRoot } from '@nx/devkit';
import { soakApps } from './apps';
import { renderReport, withLastRun } from './report';
import { runSoak } from './soak';
import { writeTimeline } from './timeline';

/** The timeline chart of the last run written with --docs, beside docs/reliability.md. */
const TIMELINE_SVG = 'reliability-timeline.svg';

interface SoakOptions {
  seed: number;
  activity: number;
  migration: number;
  faultWindow: number;
  extraFaults: number;
  fuzz: number;
  malformed: number;
  convergeTimeout: number;
  stallMinutes: number;
  logDir?: string;
  json?: string;
  chart?: string;
  docs?: boolean;
}

export function soakProgram(action: (o: SoakOptions) => Promise<void>): Command {
  const count = integer({ min: 0 });
  return new Command('soak')
    .description(
      'the whole local pipeline through a burst with faults, checked against the simulator: exit 0 only when nothing was lost and the end state is complete',
    )
    .option('--seed <n>', 'seed of the simulator and of the fault plan', integer(), 20261123)
    .option('--activity <n>', 'notifications of the activity burst (journeys and entities)', count, 60000)
    .option('--migration <n>', 'notifications of the migration burst (entities)', count, 40000)
    .option('--fault-window <ms>', 'faults start within this window', integer({ min: 1000 }), 90000)
    .option('--extra-faults <n>', 'faults beyond one of each kind', count, 4)
    .option('--fuzz <n>', 'fuzz requests sent to radar', count, 3000)
    .option('--malformed <n>', 'malformed records written into topic 1', count, 200)
    .option(
      '--converge-timeout <ms>',
      'how long to wait for a complete end state',
      integer({ min: 1000 }),
      3600000,
    )
    .option(
      '--stall-minutes <n>',
      'fail at once, naming the part, when one part moves on for none of its waiting input for this long',
      decimal({ min: 0.1 }),
      5,
    )
    .option(
      '--log-dir <dir>',
      "write every app's output there (<app>.log); default a fresh temp directory, kept when the run fails",
    )
    .option('--json <file>', 'write the whole result as JSON')
    .option('--chart <file>', 'draw the timeline (delivery, lag, detail records, lake rows, faults) as SVG')
    .option('--docs', 'write the figures and the timeline chart into docs/reliability.md')
    .action(action);
}

async function main(o: SoakOptions): Promise<void> {
  const result = await runSoak({
    seed: o.seed,
    activityEvents: o.activity,
    migrationEvents: o.migration,
    faultWindowMs: o.faultWindow,
    extraFaults: o.extraFaults,
    fuzzRequests: o.fuzz,
    malformedRecords: o.malformed,
    convergeTimeoutMs: o.convergeTimeout,
    stallTimeoutMs: Math.round(o.stallMinutes * 60000),
    logDir: o.logDir,
    apps: soakApps,
    log: (line) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`),
  });
  const report = renderReport(result);
  console.log(`\n${report}`);
  if (o.json) {
    mkdirSync(dirname(o.json), { recursive: true });
    writeFileSync(o.json, JSON.stringify(result, null, 2));
  }
  if (o.chart) await writeTimeline(o.chart, result.timeline, result.faults);
  if (o.docs) {
    await writeTimeline(join(workspaceRoot, 'docs', TIMELINE_SVG), result.timeline, result.faults);
    const file = join(workspaceRoot, 'docs', 'reliability.md');
    const chart = `![The last run's timeline: notifications delivered, topic-1 lag, detail records and lake rows, with the fault windows shaded](${TIMELINE_SVG})\n\n`;
    writeFileSync(file, withLastRun(readFileSync(file, 'utf8'), chart + report));
  }
  process.exit(result.ok ? 0 : 1);
}

if (require.main === module) runMain(soakProgram(main));
