module.exports = {
  displayName: 'logging',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  collectCoverage: true,
  coverageReporters: ['text-summary'],
  coverageThreshold: { global: { lines: 90, branches: 80 } },
  coverageDirectory: '../../coverage/libs/logging',
};
