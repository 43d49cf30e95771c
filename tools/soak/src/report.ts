import type { SoakResult } from './soak';

const n = (v: number) => v.toLocaleString('en-US');

const noAnswer = (r: SoakResult) =>
  (r.fuzz.signedAnswered['no-answer'] ?? 0) + (r.fuzz.unsignedAnswered['no-answer'] ?? 0);

/** The figures of a run as the Markdown section of docs/reliability.md. */
export function renderReport(r: SoakResult): string {
  const e = r.endState;
  const lines = [
    `Run of ${r.startedAt.slice(0, 10)}, seed ${r.options.seed}: **${r.ok ? 'passed' : 'FAILED'}** in ${Math.round(r.durationMs / 1000)} s.`,
    '',
    '| figure | value |',
    '| --- | --- |',
    `| notifications delivered by FenX (distinct) | ${n(e.delivered)} |`,
    "| Kafka | Apache Kafka, 3 KRaft nodes, the manifest's topics |",
    `| topic-1 records from webhooks | ${n(e.topic1Records)} |`,
    `| lost (delivered, not in topic 1) | ${n(e.lost.length)} |`,
    `| duplicates in topic 1 | ${n(e.duplicates)} |`,
    ...Object.entries(r.droppedByRetention).map(
      ([topic, count]) =>
        `| \`${topic}\` records deleted by retention before the end check (seen live before) | ${n(count)} |`,
    ),
    `| journeys with their latest state | ${n(e.journeys.upToDate)} / ${n(e.journeys.expected)} |`,
    `| entities with their latest verified version | ${n(e.entities.upToDate)} / ${n(e.entities.expected)} |`,
    `| drafts with their latest version | ${n(e.drafts.upToDate)} / ${n(e.drafts.expected)} |`,
    ...(e.lake
      ? [
          `| lake view \`journeys\`: latest state | ${n(e.lake.journeys.upToDate)} / ${n(e.lake.journeys.expected)} |`,
          `| lake view \`entities\`: latest version | ${n(e.lake.entities.upToDate)} / ${n(e.lake.entities.expected)} |`,
        ]
      : []),
    `| faults injected | ${r.faults.length} |`,
    `| time to converge after the last fault | ${r.convergedAfterLastFaultMs === null ? 'did not converge' : `${(r.convergedAfterLastFaultMs / 1000).toFixed(1)} s`} |`,
    `| radar fuzz requests (signed accepted / unsigned accepted / accepted not stored / no answer within 10 s) | ${n(r.fuzz.sent)} (${n(r.fuzz.signedAccepted)} / ${r.fuzz.unsignedAccepted} / ${r.fuzz.acceptedNotStored} / ${noAnswer(r)}) |`,
    `| malformed topic-1 records written / dead-lettered (each extractor's dead-letter topic, distinct records) | ${n(r.malformed.written)} / ${n(r.malformed.deadLettered)} |`,
    `| extra faults | ${r.options.extraFaults} |`,
    `| unexpected process exits (each restarted after a back-off) | ${r.crashes.length} |`,
    ...(r.stall
      ? [
          `| **failed fast**: stopped progressing | ${r.stall.component}: ${n(r.stall.lag)} records of ${r.stall.input} waiting, nothing moved on for ${Math.round(r.stall.forMs / 1000)} s, ${r.stall.crashes} crashes |`,
        ]
      : []),
    `| app logs | ${r.logsKept ? `kept in \`${r.logDir}\` (one file per app)` : 'deleted (the run passed)'} |`,
    '',
    '**Faults** (ms after the burst started):',
    '',
    '| fault | from | to | note |',
    '| --- | --- | --- | --- |',
    ...r.faults.map((f) => `| ${f.kind} | ${n(f.startedAt)} | ${n(f.endedAt)} | ${f.note ?? ''} |`),
    '',
    '**Dead letters**:',
    '',
    ...(e.deadLetters.length === 0
      ? ['none']
      : [
          '| topic | reason | count |',
          '| --- | --- | --- |',
          ...e.deadLetters.map((d) => `| ${d.topic} | ${d.reason} | ${n(d.count)} |`),
        ]),
    '',
    '**Peak memory (RSS, MB)**:',
    '',
    '| app | MB |',
    '| --- | --- |',
    ...Object.entries(r.peakRssMb)
      .sort()
      .map(([app, mb]) => `| ${app} | ${mb} |`),
  ];
  if (r.crashes.length > 0) {
    lines.push('', '**Crashes** (an app that exited on its own, restarted after a back-off):', '');
    for (const c of r.crashes) {
      lines.push(
        `- ${c.app} at ${n(c.atMs)} ms: exit code ${c.code}, signal ${c.signal}; its last ${c.lastLines.length} lines:`,
        '',
        '  ```',
        ...c.lastLines.map((l) => `  ${l.replace(/```/g, "'''")}`),
        '  ```',
      );
    }
  }
  if (!e.complete) {
    lines.push('', '**Shortfalls** (first 20 of each):', '');
    for (const [what, s] of [
      ['journeys', e.journeys.shortfalls],
      ['entities', e.entities.shortfalls],
      ['drafts', e.drafts.shortfalls],
      ['lake journeys', e.lake?.journeys.shortfalls ?? []],
      ['lake entities', e.lake?.entities.shortfalls ?? []],
    ] as const)
      for (const x of s.slice(0, 20))
        lines.push(`- ${what} ${x.id}: expected ${x.expected}, found ${x.found}`);
    for (const id of e.lost.slice(0, 20)) lines.push(`- lost notification ${id}`);
  }
  return lines.join('\n') + '\n';
}

const START = '<!-- soak:last-run:start -->';
const END = '<!-- soak:last-run:end -->';

/** Replaces the "last run" section of docs/reliability.md, keeping the rest of the page. */
export function withLastRun(page: string, section: string): string {
  const start = page.indexOf(START);
  const end = page.indexOf(END);
  if (start < 0 || end < start) return `${page.trimEnd()}\n\n${START}\n${section}${END}\n`;
  return `${page.slice(0, start)}${START}\n${section}${page.slice(end)}`;
}
