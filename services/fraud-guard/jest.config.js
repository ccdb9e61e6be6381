const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'fraud-guard',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
