'use strict';
// Used by the Dockerfiles' deps stage. Services run TypeScript through `node -r @swc-node/register` (no build
// step), but @swc-node/register, @swc/core and typescript (its peer: it reads tsconfig.json) are devDependencies,
// so `npm ci --omit=dev` drops them. This copies exactly those packages and everything they need, as
// package-lock.json resolves them, from a full install into the production install. Both installs come from
// the same lockfile, so a package path means the same version in both and nothing already present is touched.
//
// usage: node add-runtime-transpiler.js <full-install-dir> <production-install-dir>
//        (each dir holds package-lock.json and node_modules/)
const fs = require('node:fs');
const path = require('node:path');

const RUNTIME_ROOTS = ['@swc-node/register', '@swc/core', 'typescript'];

const [fullDir, prodDir] = process.argv.slice(2);
if (!fullDir || !prodDir) {
  console.error('usage: node add-runtime-transpiler.js <full-install-dir> <production-install-dir>');
  process.exit(2);
}

const lock = JSON.parse(fs.readFileSync(path.join(prodDir, 'package-lock.json'), 'utf8'));
const packages = lock.packages ?? {};

/** Node's lookup, replayed on lockfile paths: nested node_modules first, then each parent's, then the root's. */
function resolve(name, fromPath) {
  let base = fromPath;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

const wanted = new Set();
const queue = RUNTIME_ROOTS.map((name) => {
  const found = resolve(name, '');
  if (!found) throw new Error(`${name} is not in package-lock.json; the image could not run TypeScript`);
  return found;
});
while (queue.length > 0) {
  const current = queue.shift();
  if (wanted.has(current)) continue;
  wanted.add(current);
  const entry = packages[current];
  const names = {
    ...entry.dependencies,
    ...entry.optionalDependencies,
    ...entry.peerDependencies,
  };
  for (const name of Object.keys(names)) {
    // Optional deps for other platforms and optional peers are absent from the lockfile or from disk: skipped.
    const found = resolve(name, current);
    if (found) queue.push(found);
  }
}

let copied = 0;
for (const lockPath of [...wanted].sort()) {
  const source = path.join(fullDir, lockPath);
  const target = path.join(prodDir, lockPath);
  if (!fs.existsSync(source) || fs.existsSync(target)) continue;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.cpSync(source, target, { recursive: true, verbatimSymlinks: true });
  copied += 1;
}
console.log(`runtime transpiler: ${wanted.size} packages needed, ${copied} copied into the production install`);
