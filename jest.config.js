// All unit specs (*.spec.ts) of every project in one run; `nx test <project>` runs one project's.
const fs = require('node:fs');
const path = require('node:path');

const projectDirs = ['libs', 'services', 'deploy/local', 'tools', 'test']
  .flatMap((parent) =>
    fs.existsSync(path.join(__dirname, parent))
      ? fs.readdirSync(path.join(__dirname, parent)).map((name) => path.join(parent, name))
      : [],
  )
  .concat(['bench']);

module.exports = {
  projects: projectDirs
    .filter((dir) => fs.existsSync(path.join(__dirname, dir, 'jest.config.js')))
    .map((dir) => `<rootDir>/${dir}/jest.config.js`),
};
