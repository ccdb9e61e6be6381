import type { Pool } from 'pg';

export interface StoredCheckpoint {
  treeSize: number;
  rootHash: Buffer;
  note: string;
  cosigned: boolean;
  signedAt: Date;
}

interface CheckpointRow {
  tree_size: string;
  root_hash: Buffer;
  note: string;
  cosigned: boolean;
  signed_at: Date;
}

const toCheckpoint = (row: CheckpointRow): StoredCheckpoint => ({
  treeSize: Number(row.tree_size),
  rootHash: row.root_hash,
  note: row.note,
  cosigned: row.cosigned,
  signedAt: row.signed_at,
});

/** The log's signed checkpoints, one per tree size, never changed once written. */
export class CheckpointRepository {
  constructor(private readonly pool: Pool) {}

  async treeSize(): Promise<number> {
    const { rows } = await this.pool.query<{ tree_size: string }>(
      `SELECT "tree_size" FROM "tlog"."log_state" WHERE "id" = 1`,
    );
    return Number(rows[0]?.tree_size ?? 0);
  }

  async latest(): Promise<StoredCheckpoint | null> {
    const { rows } = await this.pool.query<CheckpointRow>(
      `SELECT * FROM "tlog"."checkpoints" ORDER BY "tree_size" DESC LIMIT 1`,
    );
    return rows[0] ? toCheckpoint(rows[0]) : null;
  }

  async atSize(size: number): Promise<StoredCheckpoint | null> {
    const { rows } = await this.pool.query<CheckpointRow>(`SELECT * FROM "tlog"."checkpoints" WHERE "tree_size" = $1`, [
      size,
    ]);
    return rows[0] ? toCheckpoint(rows[0]) : null;
  }

  /** The largest size the witness cosigned: the old size of the next add-checkpoint request. */
  async lastCosignedSize(): Promise<number> {
    const { rows } = await this.pool.query<{ size: string | null }>(
      `SELECT max("tree_size") AS "size" FROM "tlog"."checkpoints" WHERE "cosigned"`,
    );
    return Number(rows[0]?.size ?? 0);
  }

  async insert(checkpoint: Omit<StoredCheckpoint, 'signedAt'>): Promise<void> {
    await this.pool.query(
      `INSERT INTO "tlog"."checkpoints" ("tree_size", "root_hash", "note", "cosigned") VALUES ($1, $2, $3, $4)
       ON CONFLICT ("tree_size") DO NOTHING`,
      [checkpoint.treeSize, checkpoint.rootHash, checkpoint.note, checkpoint.cosigned],
    );
  }
}
