const preset = require('../../jest.preset.js');

module.exports = { ...preset, displayName: 'tlog', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };
