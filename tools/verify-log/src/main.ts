// verify-log: checks the transparency log without our database or servers. Reads only the files it is
// given; touches the network only for `live` and `export`, at the URL it is given.
//
//   verify-log bundle <file[.gz]> --key <log vkey> [--witness <vkey>]... [--known <checkpoint file>] [--json]
//   verify-log live <url> --key <log vkey> [--witness <vkey>]... [--known <file>] [--save <file>] [--sample N] [--json]
//   verify-log export <url> <incident> <out file[.gz]>
//   verify-log keygen <name> [--cosigner]   # a new signer key and its verifier key, one per line
//
// `live` and `export` send VERIFY_LOG_TOKEN, when set, as a bearer token (the log needs one: ADR 0024).
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import {
  COSIGNATURE_V1_TYPE,
  ED25519_TYPE,
  ed25519FromSeed,
  parseVerifierKey,
  signerKey,
  verifierKey,
} from '@bnp/tlog';
import { BundleVerifier, VerificationError, type TrustAnchors } from './bundle-verifier';
import { bearerHeaders, verifyLive } from './live-verifier';
import { fileLines } from './read-lines';

async function keyArg(value: string | undefined, flag: string): Promise<string> {
  if (!value) throw new VerificationError(`${flag} is required (the log's public key, obtained out of band)`);
  return value.includes('+') ? value : (await readFile(value, 'utf8')).trim();
}

async function anchors(values: { key?: string; witness?: string[]; known?: string }): Promise<TrustAnchors> {
  return {
    logKey: parseVerifierKey(await keyArg(values.key, '--key')),
    witnessKeys: await Promise.all(
      (values.witness ?? []).map(async (w) => parseVerifierKey(await keyArg(w, '--witness'))),
    ),
    known: values.known ? await readFile(values.known, 'utf8') : undefined,
  };
}

export async function verifyBundleFile(path: string, trust: TrustAnchors) {
  const verifier = new BundleVerifier(trust);
  for await (const line of fileLines(path)) verifier.line(line);
  return verifier.finish();
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      key: { type: 'string' },
      witness: { type: 'string', multiple: true },
      known: { type: 'string' },
      save: { type: 'string' },
      sample: { type: 'string' },
      json: { type: 'boolean' },
      cosigner: { type: 'boolean' },
    },
  });
  const [command, ...rest] = positionals;
  const print = (report: object, summary: string) => console.log(values.json ? JSON.stringify(report) : summary);
  switch (command) {
    case 'bundle': {
      const report = await verifyBundleFile(rest[0] ?? '', await anchors(values));
      print(
        report,
        `OK: ${report.entries} entries of incident ${report.incident} are in ${report.origin} at size ${report.treeSize}` +
          (report.cosignedBy.length ? `, cosigned by ${report.cosignedBy.join(', ')}` : ''),
      );
      return;
    }
    case 'live': {
      const report = await verifyLive(rest[0] ?? '', await anchors(values), Number(values.sample ?? 16));
      if (values.save) await writeFile(values.save, report.checkpoint);
      print(
        { ...report, checkpoint: undefined },
        `OK: ${report.origin} size ${report.treeSize}, ${report.entriesProved} sampled entries proved` +
          (report.consistentWith !== undefined
            ? `, consistent with your checkpoint of size ${report.consistentWith}`
            : ''),
      );
      return;
    }
    case 'export': {
      const [url, incident, out] = rest;
      if (!url || !incident || !out) throw new VerificationError('usage: verify-log export <url> <incident> <out>');
      const res = await fetch(`${url.replace(/\/+$/, '')}/export/incidents/${encodeURIComponent(incident)}`, {
        headers: bearerHeaders(),
      });
      if (!res.ok || !res.body) throw new VerificationError(`export failed: ${res.status} ${await res.text()}`);
      const body = Readable.fromWeb(res.body);
      await (out.endsWith('.gz')
        ? pipeline(body, createGzip(), createWriteStream(out))
        : pipeline(body, createWriteStream(out)));
      console.log(`wrote ${out}`);
      return;
    }
    case 'keygen': {
      const key = ed25519FromSeed(rest[0] ?? '', randomBytes(32));
      console.log(signerKey(key));
      console.log(verifierKey(key.name, values.cosigner ? COSIGNATURE_V1_TYPE : ED25519_TYPE, key.publicKey));
      return;
    }
    default:
      throw new VerificationError('usage: verify-log <bundle|live|export> ... (see tools/verify-log/README.md)');
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
