import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import {
  HASH_SIZE,
  TILE_WIDTH,
  consistencyProof,
  encodeEntryBundle,
  inclusionProof,
  tileExistsAt,
  type TileAddress,
} from '@bnp/tlog';
import { CheckpointRepository, type StoredCheckpoint } from '../checkpoint/checkpoint.repository';
import { TileHashReader, TileRepository } from '../tree/tile-store';
import { TLOG_POOL } from '../tokens';

export class NotFoundInLog extends Error {
  override name = 'NotFoundInLog';
}

export interface InclusionProofView {
  index: number;
  tree_size: number;
  leaf_hash: string;
  proof: string[];
}

export interface ConsistencyProofView {
  from: number;
  to: number;
  proof: string[];
}

const b64 = (hash: Buffer) => hash.toString('base64');

/** What the read-only HTTP API serves: the latest checkpoint, tiles, entry bundles and proofs. */
@Injectable()
export class LogReadService {
  private readonly tiles: TileRepository;
  private readonly checkpoints: CheckpointRepository;

  constructor(@Inject(TLOG_POOL) private readonly pool: Pool) {
    this.tiles = new TileRepository(pool);
    this.checkpoints = new CheckpointRepository(pool);
  }

  async checkpoint(): Promise<StoredCheckpoint> {
    const latest = await this.checkpoints.latest();
    if (!latest) throw new NotFoundInLog('no checkpoint has been published yet');
    return latest;
  }

  /** A hash tile or an entry bundle, if the log holds it at that width. */
  async tile(address: TileAddress): Promise<Buffer> {
    const size = await this.checkpoints.treeSize();
    if (!tileExistsAt(address, size)) throw new NotFoundInLog('no such tile in the log');
    if (address.level < 0) {
      const from = address.index * TILE_WIDTH;
      const { rows } = await this.pool.query<{ data: Buffer }>(
        `SELECT "data" FROM "tlog"."entries" WHERE "idx" >= $1 AND "idx" < $2 ORDER BY "idx"`,
        [from, from + address.width],
      );
      if (rows.length !== address.width) throw new Error(`entries ${from}.. are missing from the log`);
      return encodeEntryBundle(rows.map((row) => row.data));
    }
    const hashes = await this.tiles.read(address.level, address.index);
    if (!hashes || hashes.length < address.width * HASH_SIZE) throw new NotFoundInLog('no such tile in the log');
    return hashes.subarray(0, address.width * HASH_SIZE);
  }

  async indexOf(entryId: string): Promise<number> {
    const { rows } = await this.pool.query<{ idx: string }>(
      `SELECT "idx" FROM "tlog"."entries" WHERE "entry_id" = $1`,
      [entryId],
    );
    if (!rows[0]) throw new NotFoundInLog('no entry with that id');
    return Number(rows[0].idx);
  }

  /** RFC 6962 inclusion proof of entry `index` in the tree of `size` (default: the latest checkpoint's). */
  async inclusion(index: number, size?: number): Promise<InclusionProofView> {
    const treeSize = size ?? (await this.checkpoint()).treeSize;
    await this.assertWithinTree(treeSize);
    if (index >= treeSize) throw new NotFoundInLog(`entry ${index} is not in the tree of size ${treeSize}`);
    const reader = new TileHashReader(this.tiles);
    const [leaf, proof] = await Promise.all([reader.subtreeHash(0, index), inclusionProof(reader, index, treeSize)]);
    return { index, tree_size: treeSize, leaf_hash: b64(leaf), proof: proof.map(b64) };
  }

  /** RFC 6962 consistency proof from the tree of `from` entries to the tree of `to`. */
  async consistency(from: number, to?: number): Promise<ConsistencyProofView> {
    const treeSize = to ?? (await this.checkpoint()).treeSize;
    await this.assertWithinTree(treeSize);
    if (from > treeSize) throw new NotFoundInLog(`size ${from} is larger than ${treeSize}`);
    const proof = await consistencyProof(new TileHashReader(this.tiles), from, treeSize);
    return { from, to: treeSize, proof: proof.map(b64) };
  }

  private async assertWithinTree(size: number): Promise<void> {
    if (size > (await this.checkpoints.treeSize())) throw new NotFoundInLog(`the log has fewer than ${size} entries`);
  }
}
