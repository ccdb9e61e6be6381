const preset = require('../../jest.preset.js');

module.exports = { ...preset, displayName: 'exposure', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };
