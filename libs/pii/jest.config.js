const preset = require('../../jest.preset.js');

module.exports = { ...preset, displayName: 'pii', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };
