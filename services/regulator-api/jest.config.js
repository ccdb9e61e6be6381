const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'regulator-api',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
