import { HASH_SIZE, hashChildren } from './merkle';

/** C2SP tlog-tiles: tiles are 256 hashes wide (height 8). */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

export interface TileAddress {
  /** 0..63 for hash tiles; -1 for an entry bundle. */
  level: number;
  index: number;
  /** 256 for a full tile, 1..255 for a partial one. */
  width: number;
}

export class TilePathError extends Error {
  override name = 'TilePathError';
}

/** `<N>` as zero-padded 3-digit path elements, all but the last prefixed with x: 1234067 -> x001/x234/067. */
export function encodeTileIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`bad tile index ${index}`);
  const groups: string[] = [];
  let n = index;
  do {
    groups.unshift(String(n % 1000).padStart(3, '0'));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join('/');
}

/** The path of a tile below the log's prefix: tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]. */
export function tilePath({ level, index, width }: TileAddress): string {
  const head = level < 0 ? 'tile/entries' : `tile/${level}`;
  return `${head}/${encodeTileIndex(index)}${width < TILE_WIDTH ? `.p/${width}` : ''}`;
}

/** Parses what follows `tile/`; refuses every spelling the spec does not allow. */
export function parseTilePath(rest: string): TileAddress {
  const parts = rest.split('/');
  const head = parts.shift();
  let level: number;
  if (head === 'entries') level = -1;
  else if (head && /^(0|[1-9][0-9]?)$/.test(head) && Number(head) <= 63) level = Number(head);
  else throw new TilePathError(`bad tile level ${JSON.stringify(head)}`);
  let width = TILE_WIDTH;
  const last = parts.length >= 2 && parts[parts.length - 2]!.endsWith('.p') ? parts.pop() : undefined;
  if (last !== undefined) {
    if (!/^[1-9][0-9]{0,2}$/.test(last) || Number(last) > 255) throw new TilePathError(`bad partial width ${last}`);
    width = Number(last);
    parts[parts.length - 1] = parts[parts.length - 1]!.slice(0, -2);
  }
  if (parts.length === 0) throw new TilePathError('missing tile index');
  let index = 0;
  parts.forEach((part, i) => {
    const pattern = i < parts.length - 1 ? /^x[0-9]{3}$/ : /^[0-9]{3}$/;
    if (!pattern.test(part)) throw new TilePathError(`bad tile index element ${JSON.stringify(part)}`);
    index = index * 1000 + Number(part.replace('x', ''));
  });
  if (!Number.isSafeInteger(index)) throw new TilePathError('tile index too large');
  if (encodeTileIndex(index) !== parts.join('/')) throw new TilePathError('tile index has extra leading groups');
  return { level, index, width };
}

/** The width of the rightmost tile at `level` for a tree of `size` leaves (0: no partial tile). */
export function partialWidth(size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** Math.max(level, 0)) % TILE_WIDTH;
}

/** The number of full tiles at `level` for a tree of `size` leaves. */
export function fullTiles(size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** (Math.max(level, 0) + 1));
}

/** Whether the tile exists (full or exactly as wide as requested) in a tree of `size` leaves. */
export function tileExistsAt({ level, index, width }: TileAddress, size: number): boolean {
  const full = fullTiles(size, level);
  if (index < full) return true;
  return index === full && width <= partialWidth(size, level) && width < TILE_WIDTH;
}

/** The root of a full tile's 256 hashes: the hash one tile-level up. */
export function tileRoot(hashes: Buffer): Buffer {
  let level: Buffer[] = [];
  for (let i = 0; i < hashes.length; i += HASH_SIZE) level.push(hashes.subarray(i, i + HASH_SIZE));
  while (level.length > 1) {
    const up: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) up.push(hashChildren(level[i]!, level[i + 1]!));
    level = up;
  }
  return Buffer.from(level[0]!);
}

export interface StoredTile {
  level: number;
  index: number;
  /** Concatenated 32-byte hashes, 1 to 256 of them. */
  hashes: Buffer;
}

/**
 * Appends leaf hashes to a tree held as tiles: `rightmost` are the tree's partial tiles (level ->
 * hashes), as read from storage. Returns every tile that changed, full ones first at each level.
 */
export function appendToTiles(
  size: number,
  rightmost: Map<number, Buffer>,
  leafHashes: readonly Buffer[],
): StoredTile[] {
  const changed = new Map<string, StoredTile>();
  const partial = new Map(rightmost);
  const push = (level: number, at: number, hash: Buffer): void => {
    const index = Math.floor(at / TILE_WIDTH);
    const current = Buffer.concat([partial.get(level) ?? Buffer.alloc(0), hash]);
    changed.set(`${level}/${index}`, { level, index, hashes: current });
    if (current.length === TILE_WIDTH * HASH_SIZE) {
      partial.delete(level);
      push(level + 1, index, tileRoot(current));
    } else {
      partial.set(level, current);
    }
  };
  leafHashes.forEach((hash, i) => push(0, size + i, hash));
  return [...changed.values()];
}
