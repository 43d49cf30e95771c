import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import nx from '@nx/eslint-plugin';

/** Each project lints with its own config (that spreads this one): paths below are from the workspace root. */
const workspaceRoot = dirname(fileURLToPath(import.meta.url));

/** What each kind of project may depend on. Apps are composition roots: nothing imports an app. */
const typeConstraints = [
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: [
      'type:feature',
      'type:data-access',
      'type:util',
      'type:contract',
      'type:test-util',
    ],
  },
  {
    sourceTag: 'type:feature',
    onlyDependOnLibsWithTags: [
      'type:feature',
      'type:data-access',
      'type:util',
      'type:contract',
      'type:test-util',
    ],
  },
  {
    sourceTag: 'type:data-access',
    onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:contract', 'type:test-util'],
  },
  {
    sourceTag: 'type:contract',
    onlyDependOnLibsWithTags: ['type:contract', 'type:util'],
  },
  {
    sourceTag: 'type:util',
    onlyDependOnLibsWithTags: ['type:util', 'type:test-util'],
  },
  {
    sourceTag: 'type:test-util',
    onlyDependOnLibsWithTags: ['type:test-util', 'type:data-access', 'type:util', 'type:contract'],
  },
  {
    sourceTag: 'type:e2e',
    onlyDependOnLibsWithTags: ['type:test-util', 'type:data-access', 'type:util', 'type:contract'],
  },
  {
    sourceTag: 'type:tool',
    onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:contract', 'type:test-util'],
  },
];

/** The Kafka client (kafkajs) is used inside libs/kafka only, so that replacing it changes one lib. */
const kafkaClientMessage =
  'kafkajs is used inside libs/kafka only: use @fenx/kafka (KafkaClient, readTopic, topicOffsets...).';
const kafkaClientImports = {
  paths: [{ name: 'kafkajs', message: kafkaClientMessage }],
  patterns: [{ group: ['kafkajs/*'], message: kafkaClientMessage }],
};

/** Domains stay apart; shared code depends on shared code only. */
const scopeConstraints = ['radar', 'journey', 'entity', 'lake', 'simulator', 'ops'].map((scope) => ({
  sourceTag: `scope:${scope}`,
  onlyDependOnLibsWithTags: ['scope:shared', `scope:${scope}`],
}));

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/coverage', '**/node_modules'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.cts', '**/*.mts', '**/*.cjs', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          banTransitiveDependencies: false,
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
          depConstraints: [
            ...typeConstraints,
            ...scopeConstraints,
            {
              sourceTag: 'scope:shared',
              onlyDependOnLibsWithTags: ['scope:shared'],
            },
          ],
        },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@fenx/*/src', '@fenx/*/src/**', '@fenx/*/lib/**'],
              message: 'Import a lib through its public entry (@fenx/<lib>), never a deep path.',
            },
            {
              group: ['@fenx/testing', '@fenx/*/testing'],
              message: 'Test helpers are for *.spec.ts files and test setup only.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests, test setup, test helpers and developer tools may use the testing entries.
    files: ['**/*.spec.ts', '**/test/**/*.ts', '**/testing/**/*.ts', 'libs/testing/**/*.ts', 'tools/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@fenx/*/src', '@fenx/*/src/**', '@fenx/*/lib/**'],
              message: 'Import a lib through its public entry (@fenx/<lib>), never a deep path.',
            },
          ],
        },
      ],
    },
  },
  {
    // A rule of its own (not no-restricted-imports, which the blocks above and tools/soak set per
    // file kind): a project's override of those cannot drop it.
    files: ['**/*.ts', '**/*.cts', '**/*.mts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', kafkaClientImports] },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    rules: { 'no-restricted-imports': ['error', kafkaClientImports] },
  },
  {
    basePath: workspaceRoot,
    files: ['libs/kafka/**/*.ts', 'libs/kafka/**/*.cts', 'libs/kafka/**/*.mts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    basePath: workspaceRoot,
    files: ['libs/kafka/**/*.js', 'libs/kafka/**/*.cjs', 'libs/kafka/**/*.mjs'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Command-line tools print to the terminal by design.
    files: ['tools/**/*.ts', '**/src/cli/**/*.ts', '**/*.cli.ts'],
    rules: { 'no-console': 'off' },
  },
];
