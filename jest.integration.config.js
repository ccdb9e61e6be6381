// Integration specs (*.integration-spec.ts, beside the code) and end-to-end specs (test/**/*.e2e-spec.ts)
// run against the real Kafka broker and PostgreSQL, one file at a time.
const preset = require('./jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/{libs,services,deploy}/**/*.integration-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/.cache/'],
  globalSetup: '<rootDir>/test/integration.global-setup.ts',
  testTimeout: 60000,
  maxWorkers: 1,
};
