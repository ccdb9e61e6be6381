const preset = require('../../jest.preset.js');

module.exports = { ...preset, displayName: 'errors', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };
