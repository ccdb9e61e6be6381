const preset = require('../../jest.preset.js');

module.exports = { ...preset, displayName: 'deploy-tests', rootDir: __dirname, testMatch: ['<rootDir>/**/*.spec.ts'] };
