const preset = require('../../jest.preset.js');

module.exports = { ...preset, displayName: 'care-api', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };
