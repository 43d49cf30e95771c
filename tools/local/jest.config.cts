module.exports = {
  displayName: 'local',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  // commander 15 ships ES modules only: compile it to CommonJS for jest like our own sources.
  transformIgnorePatterns: ['/node_modules/(?!commander/)'],
  moduleFileExtensions: ['ts', 'js', 'html'],
  testPathIgnorePatterns: ['/node_modules/', '\\.(int|e2e)\\.spec\\.ts$'],
};
