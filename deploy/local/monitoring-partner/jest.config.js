const preset = require('../../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'monitoring-partner',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
