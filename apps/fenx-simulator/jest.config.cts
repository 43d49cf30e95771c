module.exports = {
  displayName: 'fenx-simulator',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  // Contract tests drive the simulator over HTTP (bursts of thousands of deliveries): beyond the 5-s
  // default on a busy 2-core machine.
  testTimeout: 30000,
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../../coverage/apps/fenx-simulator',
};
