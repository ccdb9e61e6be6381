// The shape reader on small sources: which variables are required, which have defaults, and how spreads resolve.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShapeReader } from './config-shapes';
import { REPO_ROOT, repoPath } from './deploy-files';

function fixture(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'bnp-shapes-'));
  writeFileSync(
    join(root, 'tsconfig.base.json'),
    JSON.stringify({ compilerOptions: { paths: { '@bnp/config': ['libs/config/src/index.ts'] } } }),
  );
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('ShapeReader', () => {
  it('classifies env helpers and follows spreads through @bnp/config re-exports, later keys winning', () => {
    const root = fixture({
      'libs/config/src/index.ts': "export * from './load-config';\nexport * from './common-config';\n",
      'libs/config/src/load-config.ts': 'export const env = {};\n',
      'libs/config/src/common-config.ts':
        "import { env } from './load-config';\nexport const sharedConfigShape = { A_LIST: env.list('x'), SECRET: env.string(), MAYBE: env.optionalString() };\n",
      'services/demo/src/config.ts': [
        "import { env, loadConfig, sharedConfigShape } from '@bnp/config';",
        "const local = { LEVEL: env.oneOf(['a', 'b'] as const, 'a') };",
        'export const demoConfigShape = {',
        '  ...sharedConfigShape,',
        '  ...local,',
        '  PORT: env.port(3009),',
        "  SECRET: env.string('now-defaulted'),",
        '  TIMEOUT_MS: env.int(-1, -1),',
        '  RAW: z.string().min(1),',
        '  RAW_OPTIONAL: z.string().optional(),',
        '};',
        'export const load = () => loadConfig(demoConfigShape, process.env);',
      ].join('\n'),
    });
    const shape = new ShapeReader(root).readServiceShape(join(root, 'services/demo/src/config.ts'));
    const summary = Object.fromEntries(
      [...shape.vars.values()].map((spec) => [spec.name, [spec.required, spec.defaultValue]]),
    );
    expect(shape.name).toBe('demoConfigShape');
    expect(summary).toEqual({
      A_LIST: [false, 'x'],
      SECRET: [false, 'now-defaulted'],
      MAYBE: [false, undefined],
      LEVEL: [false, 'a'],
      PORT: [false, '3009'],
      TIMEOUT_MS: [false, '-1'],
      RAW: [true, undefined],
      RAW_OPTIONAL: [false, undefined],
    });
    expect(shape.vars.get('A_LIST')?.declaredAt).toBe('libs/config/src/common-config.ts:2');
  });

  it('names the file and line of an env helper it does not know', () => {
    const root = fixture({
      'services/demo/src/config.ts': "export const demoConfigShape = {\n  X: env.duration('1s'),\n};\n",
    });
    expect(() => new ShapeReader(root).readServiceShape(join(root, 'services/demo/src/config.ts'))).toThrow(
      'services/demo/src/config.ts:2: env.duration() is new to the deploy test',
    );
  });

  it('reads the shared shapes of libs/config in this repository', () => {
    const shapes = new ShapeReader(REPO_ROOT).readExportedShapes(repoPath('libs', 'config', 'src'), [
      'common-config.ts',
    ]);
    const names = shapes.flatMap((shape) => [...shape.vars.keys()]);
    expect(names).toEqual(
      expect.arrayContaining(['KAFKA_BROKERS', 'DATABASE_URL', 'SHUTDOWN_TIMEOUT_MS', 'PII_BLIND_INDEX_KEY']),
    );
    const blindIndexKey = shapes
      .flatMap((shape) => [...shape.vars.values()])
      .find((spec) => spec.name === 'PII_BLIND_INDEX_KEY');
    expect(blindIndexKey?.required).toBe(true);
  });
});
