import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { kafkaAclsCommands, pipelineAcls } from '@fenx/kafka';

describe('docs/operations.md', () => {
  it('lists exactly the production ACLs that pipelineAcls() makes', () => {
    const doc = readFileSync(join(workspaceRoot, 'docs', 'operations.md'), 'utf8');
    const block = doc.split('<!-- generated from pipelineAcls(): kafkaAclsCommands -->')[1] ?? '';
    const lines =
      block
        .split('```')[1]
        ?.split('\n')
        .filter((l) => l.startsWith('kafka-acls.sh')) ?? [];
    expect(lines).toEqual(kafkaAclsCommands(pipelineAcls()));
  });
});
