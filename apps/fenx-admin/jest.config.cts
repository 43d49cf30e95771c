module.exports = {
  displayName: 'fenx-admin',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  // commander 15 ships ES modules only: compile it to CommonJS for jest like our own sources.
  transformIgnorePatterns: ['/node_modules/(?!commander/)'],
  testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
  coverageDirectory: '../../coverage/apps/fenx-admin',
};
