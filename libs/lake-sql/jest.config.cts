module.exports = {
  displayName: 'lake-sql',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
  moduleFileExtensions: ['ts', 'js', 'html'],
  collectCoverage: true,
  coverageReporters: ['text-summary'],
  coverageThreshold: { global: { lines: 90, branches: 80 } },
  coverageDirectory: '../../coverage/libs/lake-sql',
};
