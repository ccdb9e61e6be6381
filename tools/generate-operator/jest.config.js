const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'generate-operator',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
