const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'verify-log',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
