// Entry point: node -r @swc-node/register deploy/local/regulator-portal/src/main.ts
// PORT (default 4070), REGULATOR_PORTAL_OPERATOR_JWK (the operator's public JWK, JSON: what a regulator
// registers), REGULATOR_PORTAL_FAIL_FIRST (answer the first n submissions with 503).
import { importJWK, type JWK } from 'jose';
import { RegulatorPortal } from './portal';
import { startPortalServer } from './server';

function fail(message: string): never {
  console.error(message);
  process.exit(78); // EX_CONFIG
}

async function main(): Promise<void> {
  const port = Number(process.env['PORT'] ?? '4070');
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail('PORT must be a port number');
  let jwk: JWK;
  try {
    jwk = JSON.parse(process.env['REGULATOR_PORTAL_OPERATOR_JWK'] ?? '') as JWK;
  } catch {
    fail('REGULATOR_PORTAL_OPERATOR_JWK must be the operator’s public JWK as JSON');
  }
  if ('d' in jwk) fail('REGULATOR_PORTAL_OPERATOR_JWK must be a public key: it has a private part (d)');
  const key = await importJWK(jwk, jwk.alg ?? 'EdDSA');
  if (key instanceof Uint8Array) fail('REGULATOR_PORTAL_OPERATOR_JWK must be an asymmetric public key');
  const portal = new RegulatorPortal(key);
  portal.failNext(Number(process.env['REGULATOR_PORTAL_FAIL_FIRST'] ?? '0') || 0);
  const { url } = await startPortalServer(portal, port);
  console.log(JSON.stringify({ msg: 'regulator portal listening', url }));
  process.once('SIGTERM', () => process.exit(0));
  process.once('SIGINT', () => process.exit(0));
}

void main();
