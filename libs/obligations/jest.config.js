const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'obligations',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
