const preset = require('../../../jest.preset.js');

module.exports = { ...preset, displayName: 'smtp-sink', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };
