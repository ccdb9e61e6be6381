const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'breach-intake',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
