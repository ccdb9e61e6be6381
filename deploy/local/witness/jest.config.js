const preset = require('../../../jest.preset.js');

module.exports = { ...preset, displayName: 'witness', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };
