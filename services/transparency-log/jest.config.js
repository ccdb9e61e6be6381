const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'transparency-log',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
