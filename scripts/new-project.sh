#!/usr/bin/env bash
# Scaffolds an Nx project with the files every project here has.
# usage: scripts/new-project.sh <libs|services|deploy/local|test> <name> <tags comma-separated>
set -euo pipefail
kind=$1 name=$2 tags=$3
dir="$kind/$name"
mkdir -p "$dir/src"
tag_json=$(printf '%s' "$tags" | awk -F, '{for(i=1;i<=NF;i++){printf "%s\"%s\"", (i>1?", ":""), $i}}')
cat > "$dir/package.json" <<JSON
{
  "name": "@bnp/$name",
  "version": "0.0.0",
  "private": true,
  "main": "src/index.ts",
  "types": "src/index.ts"
}
JSON
rel=$(realpath --relative-to="$dir" .)
cat > "$dir/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "$rel/node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$dir/src",
  "projectType": "$([ "$kind" = libs ] && echo library || echo application)",
  "tags": [$tag_json],
  "targets": { "lint": {}, "typecheck": {}, "test": {} }
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "$rel/tsconfig.base.json",
  "include": ["src/**/*.ts"]
}
JSON
cat > "$dir/jest.config.js" <<JS
const preset = require('$rel/jest.preset.js');

module.exports = { ...preset, displayName: '$name', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };
JS
[ -f "$dir/src/index.ts" ] || echo "export {};" > "$dir/src/index.ts"
echo "created $dir"
