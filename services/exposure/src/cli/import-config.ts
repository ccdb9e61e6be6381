import { ConfigValidationError, databaseConfigShape, loadConfig, piiKeyConfigShape } from '@bnp/config';
import { MIN_BLIND_INDEX_KEY_BYTES, parseKeyRing } from '@bnp/pii';
import type { PiiKeys } from '../import/import.service';

/** DATABASE_URL, unless --database-url is given. */
export function loadImportDatabaseUrl(source: NodeJS.ProcessEnv): string {
  return loadConfig({ DATABASE_URL: databaseConfigShape.DATABASE_URL }, source).DATABASE_URL;
}

/** The encryption key ring and blind index key, checked up front; errors name the variable, never a key. */
export function loadImportKeys(source: NodeJS.ProcessEnv): PiiKeys {
  const config = loadConfig(piiKeyConfigShape, source);
  const problems: string[] = [];
  let keys: PiiKeys | undefined;
  try {
    const keyRing = parseKeyRing(config.PII_ENCRYPTION_KEYS, config.PII_ACTIVE_KEY_ID);
    keys = { keyRing, blindIndexKey: Buffer.from(config.PII_BLIND_INDEX_KEY, 'base64') };
  } catch (error) {
    problems.push(`PII_ENCRYPTION_KEYS: ${(error as Error).message}`);
  }
  if (keys && keys.blindIndexKey.length < MIN_BLIND_INDEX_KEY_BYTES) {
    problems.push(`PII_BLIND_INDEX_KEY: must be base64 of at least ${MIN_BLIND_INDEX_KEY_BYTES} bytes`);
  }
  if (problems.length > 0 || !keys) throw new ConfigValidationError(problems);
  return keys;
}
