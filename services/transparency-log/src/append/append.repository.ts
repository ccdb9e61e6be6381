import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { inPgTransaction } from '@bnp/persistence';
import { appendToTiles } from '@bnp/tlog';
import type { Leaf } from '../leaf/leaf';
import { TileRepository } from '../tree/tile-store';
import { encodeEntriesCopy } from './entries-copy';

/** Per leaf of a batch: its index in the log, or null when its entry id was already logged. */
export type AppendOutcome = number | null;

/**
 * Appends leaves to the log in one transaction: locks the counter row, drops entry ids already logged
 * (and repeats within the batch), numbers the rest from the counter, inserts them, extends the tiles
 * and raises the counter. Whoever holds the lock is the only writer, so indexes have no gaps and the
 * tiles always describe exactly the entries committed with them.
 */
export class AppendRepository {
  constructor(private readonly pool: Pool) {}

  async append(leaves: readonly Leaf[]): Promise<AppendOutcome[]> {
    if (leaves.length === 0) return [];
    return inPgTransaction(this.pool, async (client) => {
      const size = await this.lockTreeSize(client);
      const logged = await this.alreadyLogged(
        client,
        leaves.map((leaf) => leaf.entryId),
      );
      const outcomes: AppendOutcome[] = [];
      const fresh: Leaf[] = [];
      for (const leaf of leaves) {
        if (logged.has(leaf.entryId)) {
          outcomes.push(null);
          continue;
        }
        logged.add(leaf.entryId);
        outcomes.push(size + fresh.length);
        fresh.push(leaf);
      }
      if (fresh.length === 0) return outcomes;
      // Binary COPY: about twice as fast as INSERT ... unnest, whose bytea[] parameter travels as hex text.
      await pipeline(
        Readable.from([
          encodeEntriesCopy(
            fresh.map((leaf, i) => ({
              idx: size + i,
              entryId: leaf.entryId,
              kind: leaf.kind,
              incidentId: leaf.incidentId,
              data: leaf.data,
            })),
          ),
        ]),
        client.query(
          copyFrom(
            `COPY "tlog"."entries" ("idx", "entry_id", "kind", "incident_id", "data") FROM STDIN (FORMAT binary)`,
          ),
        ),
      );
      const tiles = new TileRepository(client);
      const rightmost = await tiles.rightmost(size);
      await tiles.write(
        appendToTiles(
          size,
          rightmost,
          fresh.map((leaf) => leaf.leafHash),
        ),
      );
      await client.query(`UPDATE "tlog"."log_state" SET "tree_size" = $1, "updated_at" = now() WHERE "id" = 1`, [
        size + fresh.length,
      ]);
      return outcomes;
    });
  }

  private async lockTreeSize(client: PoolClient): Promise<number> {
    const { rows } = await client.query<{ tree_size: string }>(
      `SELECT "tree_size" FROM "tlog"."log_state" WHERE "id" = 1 FOR UPDATE`,
    );
    if (!rows[0]) throw new Error('tlog.log_state has no row: run the migrations');
    return Number(rows[0].tree_size);
  }

  private async alreadyLogged(client: PoolClient, entryIds: string[]): Promise<Set<string>> {
    const { rows } = await client.query<{ entry_id: string }>(
      `SELECT "entry_id" FROM "tlog"."entries" WHERE "entry_id" = ANY($1::text[])`,
      [entryIds],
    );
    return new Set(rows.map((row) => row.entry_id));
  }
}
