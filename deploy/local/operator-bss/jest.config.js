const preset = require('../../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'operator-bss',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
