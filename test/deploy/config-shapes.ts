// Reads a service's config shape (the object whose keys are environment variable names) from TypeScript source,
// without importing the service: spreads of shared shapes (`...kafkaConfigShape` from @bnp/config) are followed
// through imports, `export *` re-exports and tsconfig paths. Each variable is classified as required (must be
// set by the deployment) or defaulted/optional (may be left out).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

export interface EnvVar {
  name: string;
  /** No default and not optional: loadConfig fails when it is unset. */
  required: boolean;
  /** The literal default, when the shape gives one (e.g. '15000'). */
  defaultValue?: string;
  /** Where the key is declared, repo-relative, e.g. libs/config/src/common-config.ts:20. */
  declaredAt: string;
}

export interface ConfigShape {
  /** The shape's variable name, e.g. intakeConfigShape. */
  name: string;
  /** Repo-relative file that declares it. */
  file: string;
  vars: Map<string, EnvVar>;
}

export class ShapeParseError extends Error {
  override name = 'ShapeParseError';
}

/** How each helper of `env` (libs/config/src/load-config.ts) behaves: which argument is the default, if any. */
const ENV_HELPERS: Record<string, { defaultArg?: number; optional?: boolean; requiredWithoutArgs?: boolean }> = {
  string: { defaultArg: 0, requiredWithoutArgs: true },
  optionalString: { optional: true },
  int: { defaultArg: 0 },
  port: { defaultArg: 0 },
  bool: { defaultArg: 0 },
  list: { defaultArg: 0 },
  oneOf: { defaultArg: 1 },
};

export class ShapeReader {
  private readonly sources = new Map<string, ts.SourceFile>();
  private readonly paths: Record<string, string[]>;

  constructor(private readonly repoRoot: string) {
    const base = JSON.parse(readFileSync(join(repoRoot, 'tsconfig.base.json'), 'utf8')) as {
      compilerOptions?: { paths?: Record<string, string[]> };
    };
    this.paths = base.compilerOptions?.paths ?? {};
  }

  /** The shape passed to loadConfig(...) in the file, or else its one exported `*ConfigShape` object. */
  readServiceShape(file: string): ConfigShape {
    const source = this.source(file);
    const passed = loadConfigArgument(source);
    if (passed) return this.readShape(file, passed);
    const exported = this.topLevelObjects(source).filter((name) => name.endsWith('ConfigShape'));
    const [only] = exported;
    if (!only || exported.length > 1) {
      throw new ShapeParseError(
        `${this.rel(file)}: found no loadConfig(<shape>) call and ${exported.length} *ConfigShape objects; ` +
          'the deploy test reads the variables from the shape passed to loadConfig',
      );
    }
    return this.readShape(file, only);
  }

  /** Every exported `*ConfigShape` object of the files in a folder (the shared shapes of libs/config). */
  readExportedShapes(folder: string, files: string[]): ConfigShape[] {
    return files.flatMap((name) => {
      const file = join(folder, name);
      return this.topLevelObjects(this.source(file))
        .filter((shape) => shape.endsWith('ConfigShape'))
        .map((shape) => this.readShape(file, shape));
    });
  }

  readShape(file: string, shapeName: string): ConfigShape {
    const found = this.findObject(file, shapeName, new Set());
    if (!found) throw new ShapeParseError(`${this.rel(file)}: cannot find the object literal ${shapeName}`);
    return { name: shapeName, file: this.rel(found.file), vars: this.readObject(found.file, found.literal) };
  }

  private readObject(file: string, literal: ts.ObjectLiteralExpression): Map<string, EnvVar> {
    const source = this.source(file);
    const vars = new Map<string, EnvVar>();
    for (const element of literal.properties) {
      const at = `${this.rel(file)}:${source.getLineAndCharacterOfPosition(element.getStart(source)).line + 1}`;
      if (ts.isSpreadAssignment(element)) {
        if (!ts.isIdentifier(element.expression)) {
          throw new ShapeParseError(`${at}: cannot follow the spread ...${element.expression.getText(source)}`);
        }
        const spread = this.findObject(file, element.expression.text, new Set());
        if (!spread) throw new ShapeParseError(`${at}: cannot find the shape ${element.expression.text} it spreads`);
        // Later keys override earlier ones, as in JavaScript.
        for (const [name, spec] of this.readObject(spread.file, spread.literal)) vars.set(name, spec);
        continue;
      }
      if (!ts.isPropertyAssignment(element) || !isPlainKey(element.name)) {
        throw new ShapeParseError(`${at}: only \`NAME: env.x(...)\` keys and ...spreads can be read here`);
      }
      const name = element.name.text;
      vars.set(name, { name, ...classify(element.initializer, at), declaredAt: at });
    }
    return vars;
  }

  /** Finds `const name = { ... }` in the file, or where the file imports or re-exports it from. */
  private findObject(
    file: string,
    name: string,
    seen: Set<string>,
  ): { file: string; literal: ts.ObjectLiteralExpression } | undefined {
    const key = `${file}#${name}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    const source = this.source(file);
    for (const statement of source.statements) {
      if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          if (ts.isIdentifier(declaration.name) && declaration.name.text === name && declaration.initializer) {
            const literal = unwrap(declaration.initializer);
            return ts.isObjectLiteralExpression(literal) ? { file, literal } : undefined;
          }
        }
      }
    }
    for (const statement of source.statements) {
      if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
        const bindings = statement.importClause?.namedBindings;
        if (!bindings || !ts.isNamedImports(bindings)) continue;
        const element = bindings.elements.find((item) => item.name.text === name);
        if (!element) continue;
        const target = this.resolveModule(file, statement.moduleSpecifier.text);
        return target ? this.findObject(target, (element.propertyName ?? element.name).text, seen) : undefined;
      }
      if (
        ts.isExportDeclaration(statement) &&
        statement.moduleSpecifier &&
        ts.isStringLiteral(statement.moduleSpecifier)
      ) {
        const clause = statement.exportClause;
        let imported: string | undefined;
        if (!clause) imported = name;
        else if (ts.isNamedExports(clause)) {
          const element = clause.elements.find((item) => item.name.text === name);
          imported = element ? (element.propertyName ?? element.name).text : undefined;
        }
        if (!imported) continue;
        const target = this.resolveModule(file, statement.moduleSpecifier.text);
        const found = target ? this.findObject(target, imported, seen) : undefined;
        if (found) return found;
      }
    }
    return undefined;
  }

  private resolveModule(fromFile: string, specifier: string): string | undefined {
    let base: string | undefined;
    if (specifier.startsWith('.')) base = resolve(dirname(fromFile), specifier);
    else {
      const [target] = this.paths[specifier] ?? [];
      if (target) base = join(this.repoRoot, target);
    }
    if (!base) return undefined; // an npm package: no shapes there
    return [base, `${base}.ts`, join(base, 'index.ts')].find(
      (candidate) => candidate.endsWith('.ts') && existsSync(candidate),
    );
  }

  private topLevelObjects(source: ts.SourceFile): string[] {
    return source.statements
      .filter(ts.isVariableStatement)
      .flatMap((statement) =>
        statement.declarationList.declarations
          .filter(
            (declaration) => declaration.initializer && ts.isObjectLiteralExpression(unwrap(declaration.initializer)),
          )
          .map((declaration) => declaration.name.getText(source)),
      );
  }

  private source(file: string): ts.SourceFile {
    let source = this.sources.get(file);
    if (!source) {
      if (!existsSync(file)) throw new ShapeParseError(`${this.rel(file)} does not exist`);
      source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
      this.sources.set(file, source);
    }
    return source;
  }

  private rel(file: string): string {
    return relative(this.repoRoot, file);
  }
}

/** The identifier passed first to a loadConfig(...) call, if the file has one. */
function loadConfigArgument(node: ts.Node): string | undefined {
  if (ts.isCallExpression(node) && calleeName(node.expression) === 'loadConfig') {
    const [first] = node.arguments;
    if (first && ts.isIdentifier(first)) return first.text;
  }
  return ts.forEachChild(node, loadConfigArgument);
}

function calleeName(expression: ts.Expression): string | undefined {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text;
  return undefined;
}

function isPlainKey(
  name: ts.PropertyName,
): name is ts.Identifier | ts.StringLiteral | ts.NoSubstitutionTemplateLiteral {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name);
}

function unwrap(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isParenthesizedExpression(current)) {
    current = current.expression;
  }
  return current;
}

function literalText(expression: ts.Expression | undefined): string | undefined {
  if (!expression) return undefined;
  if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) return expression.text;
  if (ts.isNumericLiteral(expression)) return expression.text;
  if (ts.isPrefixUnaryExpression(expression) && expression.operator === ts.SyntaxKind.MinusToken) {
    const operand = literalText(expression.operand);
    return operand === undefined ? undefined : `-${operand}`;
  }
  if (expression.kind === ts.SyntaxKind.TrueKeyword) return 'true';
  if (expression.kind === ts.SyntaxKind.FalseKeyword) return 'false';
  return undefined;
}

/**
 * `env.string()` is required; `env.string('x')`, `env.int(1)`, ... have a default; `env.optionalString()` may be
 * unset. Direct zod chains count as required unless they end in .optional() / .default(...).
 */
export function classify(initializer: ts.Expression, at: string): { required: boolean; defaultValue?: string } {
  const expression = unwrap(initializer);
  if (!ts.isCallExpression(expression) || !ts.isPropertyAccessExpression(expression.expression)) {
    return { required: true };
  }
  const method = expression.expression.name.text;
  const receiver = expression.expression.expression;
  if (ts.isIdentifier(receiver) && receiver.text === 'env') {
    const helper = ENV_HELPERS[method];
    if (!helper) {
      throw new ShapeParseError(
        `${at}: env.${method}() is new to the deploy test; describe it in ENV_HELPERS of test/deploy/config-shapes.ts`,
      );
    }
    if (helper.optional) return { required: false };
    const fallback = helper.defaultArg === undefined ? undefined : expression.arguments[helper.defaultArg];
    if (!fallback) return { required: helper.requiredWithoutArgs ?? false };
    const defaultValue = literalText(fallback);
    return defaultValue === undefined ? { required: false } : { required: false, defaultValue };
  }
  if (method === 'optional' || method === 'nullish') return { required: false };
  if (method === 'default') {
    const defaultValue = literalText(expression.arguments[0]);
    return defaultValue === undefined ? { required: false } : { required: false, defaultValue };
  }
  return classify(receiver, at);
}
