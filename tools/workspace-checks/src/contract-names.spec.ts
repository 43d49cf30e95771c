import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import {
  DEAD_LETTER_HEADER,
  EXTRACTION_HEADER,
  HEADER,
  REPLAY_HEADER,
  TOPIC_MANIFEST,
  withoutNamespace,
} from '@fenx/kafka-contracts';

// Topic and header names are spelled once, in libs/kafka-contracts; code elsewhere imports them. Tests
// may spell them (they pin the wire format), and so may files that only mention them in comments.
const NAMES = [
  ...TOPIC_MANIFEST.map((t) => withoutNamespace(t.name)),
  ...Object.values(HEADER),
  ...Object.values(EXTRACTION_HEADER),
  ...Object.values(REPLAY_HEADER),
  ...Object.values(DEAD_LETTER_HEADER),
];

function sourceFiles(): string[] {
  const out = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', 'apps', 'libs', 'tools'],
    {
      cwd: workspaceRoot,
      encoding: 'utf8',
    },
  );
  return out
    .split('\n')
    .filter((f) => /\.(ts|mts|cts|js|mjs|cjs)$/.test(f))
    .filter((f) => !f.startsWith('libs/kafka-contracts/'))
    .filter((f) => !/\.(spec|test)\.[cm]?[tj]s$/.test(f));
}

/** The text without comments, so that a comment may name a topic. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('topic and header names', () => {
  it('are spelled only in libs/kafka-contracts', () => {
    const found: string[] = [];
    for (const file of sourceFiles()) {
      let text: string;
      try {
        text = withoutComments(readFileSync(join(workspaceRoot, file), 'utf8'));
      } catch {
        continue; // deleted in the working tree
      }
      for (const name of NAMES)
        if (new RegExp(`['"\`]${name.replace(/[.]/g, '\\.')}['"\`]`).test(text))
          found.push(`${file}: ${name}`);
    }
    expect(found).toEqual([]);
  });

  it('finds a literal name (the check itself works)', () => {
    const text = withoutComments("const h = { 'dead-letter-reason': r }; // 'fenx-batch-id'\n");
    expect(NAMES.filter((n) => text.includes(`'${n}'`))).toEqual(['dead-letter-reason']);
  });
});
