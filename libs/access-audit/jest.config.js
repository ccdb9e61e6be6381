const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'access-audit',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
