const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'persistence',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
