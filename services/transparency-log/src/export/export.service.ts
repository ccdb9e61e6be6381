import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import {
  ED25519_TYPE,
  hashLeaf,
  inclusionProof,
  noteSigner,
  parseCheckpoint,
  parseNote,
  signNote,
  verifierKey,
} from '@bnp/tlog';
import type { TransparencyLogConfig } from '../config';
import { CheckpointRepository } from '../checkpoint/checkpoint.repository';
import { NotFoundInLog } from '../http/log-read.service';
import { TileHashReader, TileRepository } from '../tree/tile-store';
import { TLOG_CONFIG, TLOG_POOL } from '../tokens';
import { BUNDLE_FORMAT, BundleDigest, statementText, type BundleHeader } from './incident-bundle';

const PAGE = 5000;

/** Streams an incident's bundle against the latest checkpoint, one NDJSON line at a time. */
@Injectable()
export class ExportService {
  constructor(
    @Inject(TLOG_POOL) private readonly pool: Pool,
    @Inject(TLOG_CONFIG) private readonly config: TransparencyLogConfig,
  ) {}

  async *incidentBundle(incident: string): AsyncGenerator<string> {
    const checkpoint = await new CheckpointRepository(this.pool).latest();
    if (!checkpoint) throw new NotFoundInLog('no checkpoint has been published yet');
    const { signingKey: key, TLOG_ORIGIN: origin } = this.config;
    const header: BundleHeader = {
      format: BUNDLE_FORMAT,
      origin,
      log_key: verifierKey(key.name, ED25519_TYPE, key.publicKey),
      incident,
      tree_size: checkpoint.treeSize,
      // The log-signed checkpoint with the witness's cosignatures, as /checkpoint served it.
      checkpoint: checkpoint.note,
    };
    yield `${JSON.stringify(header)}\n`;
    const reader = new TileHashReader(new TileRepository(this.pool));
    const digest = new BundleDigest();
    for (let from = 0; ;) {
      const { rows } = await this.pool.query<{ idx: string; data: Buffer }>(
        `SELECT "idx", "data" FROM "tlog"."entries" WHERE "incident_id" = $1 AND "idx" >= $2 AND "idx" < $3
         ORDER BY "idx" LIMIT ${PAGE}`,
        [incident, from, checkpoint.treeSize],
      );
      const lines: string[] = [];
      for (const row of rows) {
        const index = Number(row.idx);
        const proof = await inclusionProof(reader, index, checkpoint.treeSize);
        digest.add(index, hashLeaf(row.data));
        lines.push(
          `${JSON.stringify({ index, entry: row.data.toString('base64'), proof: proof.map((hash) => hash.toString('base64')) })}\n`,
        );
      }
      if (lines.length > 0) yield lines.join('');
      if (rows.length < PAGE) break;
      from = Number(rows[rows.length - 1]!.idx) + 1;
    }
    const { root } = parseCheckpoint(parseNote(checkpoint.note).text);
    const text = statementText({
      origin,
      treeSize: checkpoint.treeSize,
      root,
      incident,
      count: digest.count,
      digest: digest.digest(),
    });
    yield `${JSON.stringify({ statement: signNote(text, [noteSigner(key)]) })}\n`;
  }
}
