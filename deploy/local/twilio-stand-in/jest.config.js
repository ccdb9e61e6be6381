const preset = require('../../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'twilio-stand-in',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
