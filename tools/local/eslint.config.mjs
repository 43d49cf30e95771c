import baseConfig from '../../eslint.config.mjs';

// A developer tool: it drives test infrastructure (a Kafka cluster, built apps) and prints to the terminal.
export default [
  ...baseConfig,
  {
    files: ['**/*.ts'],
    rules: {
      'no-console': 'off',
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
];
