import type { Pool } from 'pg';
import { HASH_SIZE, TILE_HEIGHT, TILE_WIDTH, hashChildren, type StoredTile, type SubtreeHashReader } from '@bnp/tlog';

/** Reads and writes hash tiles in tlog.tiles. */
export class TileRepository {
  constructor(private readonly pool: Pick<Pool, 'query'>) {}

  async read(level: number, index: number): Promise<Buffer | null> {
    const { rows } = await this.pool.query<{ hashes: Buffer }>(
      'SELECT "hashes" FROM "tlog"."tiles" WHERE "level" = $1 AND "idx" = $2',
      [level, index],
    );
    return rows[0]?.hashes ?? null;
  }

  /** The tiles a tree of `size` leaves has partial (level -> its hashes), as stored. */
  async rightmost(size: number): Promise<Map<number, Buffer>> {
    const wanted: { level: number; index: number; width: number }[] = [];
    for (let level = 0; TILE_WIDTH ** level <= size; level++) {
      const width = Math.floor(size / TILE_WIDTH ** level) % TILE_WIDTH;
      if (width > 0) wanted.push({ level, index: Math.floor(size / TILE_WIDTH ** (level + 1)), width });
    }
    const found = new Map<number, Buffer>();
    if (wanted.length === 0) return found;
    const { rows } = await this.pool.query<{ level: number; hashes: Buffer }>(
      `SELECT t."level", t."hashes" FROM "tlog"."tiles" t
         JOIN unnest($1::smallint[], $2::bigint[]) AS w("level", "idx") ON w."level" = t."level" AND w."idx" = t."idx"`,
      [wanted.map((tile) => tile.level), wanted.map((tile) => tile.index)],
    );
    for (const tile of wanted) {
      const hashes = rows.find((row) => row.level === tile.level)?.hashes;
      if (!hashes || hashes.length < tile.width * HASH_SIZE)
        throw new Error(`tile ${tile.level}/${tile.index} is missing or shorter than the tree needs`);
      found.set(tile.level, hashes.subarray(0, tile.width * HASH_SIZE));
    }
    return found;
  }

  async write(tiles: StoredTile[]): Promise<void> {
    if (tiles.length === 0) return;
    await this.pool.query(
      `INSERT INTO "tlog"."tiles" ("level", "idx", "hashes")
       SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])
       ON CONFLICT ("level", "idx") DO UPDATE SET "hashes" = EXCLUDED."hashes"`,
      [tiles.map((tile) => tile.level), tiles.map((tile) => tile.index), tiles.map((tile) => tile.hashes)],
    );
  }
}

/**
 * Subtree hashes of the stored tree, from its tiles: a hash at tree level 8L + r is combined from 2^r
 * hashes of one tile at level L. Each tile read is expanded once into all its inner levels and kept
 * (up to `maxTiles`), so a bundle of many proofs reads and hashes every tile once. One reader per
 * request: it must not outlive the tree size it was made for.
 */
export class TileHashReader implements SubtreeHashReader {
  private readonly expanded = new Map<string, Promise<Buffer[][]>>();

  constructor(
    private readonly tiles: Pick<TileRepository, 'read'>,
    private readonly maxTiles = 8192,
  ) {}

  async subtreeHash(level: number, index: number): Promise<Buffer> {
    const tileLevel = Math.floor(level / TILE_HEIGHT);
    const inner = level % TILE_HEIGHT;
    const perTile = TILE_WIDTH >> inner;
    const tileIndex = Math.floor(index / perTile);
    const levels = await this.tile(tileLevel, tileIndex);
    const hash = levels[inner]?.[index - tileIndex * perTile];
    if (!hash) throw new RangeError(`the log has no complete subtree at level ${level} index ${index}`);
    return hash;
  }

  private tile(level: number, index: number): Promise<Buffer[][]> {
    const key = `${level}/${index}`;
    let tile = this.expanded.get(key);
    if (!tile) {
      tile = this.tiles.read(level, index).then((hashes) => expand(hashes ?? Buffer.alloc(0)));
      // A reader serves one request at one tree size: a partial tile read once already holds every hash of
      // that size (tiles only grow), so it is kept too. A failed read is not.
      void tile.catch(() => this.expanded.delete(key));
      if (this.expanded.size >= this.maxTiles) this.expanded.delete(this.expanded.keys().next().value!);
      this.expanded.set(key, tile);
    }
    return tile;
  }
}

/** A tile's hashes and every complete inner level above them: [256 hashes, 128, ..., 1]. */
function expand(hashes: Buffer): Buffer[][] {
  const levels: Buffer[][] = [[]];
  for (let at = 0; at < hashes.length; at += HASH_SIZE) levels[0]!.push(hashes.subarray(at, at + HASH_SIZE));
  for (let r = 1; r < TILE_HEIGHT; r++) {
    const below = levels[r - 1]!;
    const up: Buffer[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) up.push(hashChildren(below[i]!, below[i + 1]!));
    levels.push(up);
  }
  return levels;
}
