import { decodeEntryBundle, encodeEntryBundle } from './bundle';
import { hashLeaf } from './merkle';
import { MemoryHashReader, treeHash } from './proofs';
import { TilePathError, appendToTiles, encodeTileIndex, parseTilePath, tileExistsAt, tilePath } from './tiles';

describe('tlog tiles', () => {
  it('encodes tile indexes as the spec shows (1234067 -> x001/x234/067)', () => {
    expect(encodeTileIndex(1234067)).toBe('x001/x234/067');
    expect(encodeTileIndex(5)).toBe('005');
    expect(encodeTileIndex(1000)).toBe('x001/000');
    expect(tilePath({ level: 0, index: 1234067, width: 256 })).toBe('tile/0/x001/x234/067');
    expect(tilePath({ level: 2, index: 3, width: 17 })).toBe('tile/2/003.p/17');
    expect(tilePath({ level: -1, index: 0, width: 9 })).toBe('tile/entries/000.p/9');
  });

  it('parses the paths it makes and refuses every other spelling', () => {
    expect(parseTilePath('0/x001/x234/067')).toEqual({ level: 0, index: 1234067, width: 256 });
    expect(parseTilePath('entries/x001/234.p/255')).toEqual({ level: -1, index: 1234, width: 255 });
    for (const bad of ['00/001', '0/1', '0/001.p/256', '0/001.p/0', '0/001.p/07', '64/000', '0/x000/001', '0/001/x002'])
      expect(() => parseTilePath(bad)).toThrow(TilePathError);
  });

  it('knows which tiles a tree of 70,000 has (the spec’s example)', () => {
    expect(tileExistsAt({ level: 0, index: 272, width: 256 }, 70000)).toBe(true);
    expect(tileExistsAt({ level: 0, index: 273, width: 112 }, 70000)).toBe(true);
    expect(tileExistsAt({ level: 0, index: 273, width: 256 }, 70000)).toBe(false);
    expect(tileExistsAt({ level: 1, index: 1, width: 17 }, 70000)).toBe(true);
    expect(tileExistsAt({ level: 2, index: 0, width: 1 }, 70000)).toBe(true);
    expect(tileExistsAt({ level: 3, index: 0, width: 1 }, 70000)).toBe(false);
  });

  it('builds the same tiles whether leaves come one batch or many', () => {
    const leaves = Array.from({ length: 256 * 3 + 10 }, (_, i) => hashLeaf(Buffer.from(`entry ${i}`)));
    const apply = (batches: number[]) => {
      const tiles = new Map<string, Buffer>();
      let size = 0;
      for (const count of batches) {
        const rightmost = new Map<number, Buffer>();
        for (const [key, hashes] of tiles) {
          const [level] = key.split('/').map(Number);
          if (hashes.length < 256 * 32) rightmost.set(level!, hashes);
        }
        for (const tile of appendToTiles(size, rightmost, leaves.slice(size, size + count)))
          tiles.set(`${tile.level}/${tile.index}`, tile.hashes);
        size += count;
      }
      return tiles;
    };
    const once = apply([leaves.length]);
    expect(apply([1, 255, 1, 300, 200, 21])).toEqual(once);
    expect([...once.keys()].sort()).toEqual(['0/0', '0/1', '0/2', '0/3', '1/0']);
    expect(once.get('0/3')!.length).toBe(10 * 32);
    // The level-1 tile holds the roots of the three full level-0 tiles.
    const reader = new MemoryHashReader(leaves);
    return Promise.all(
      [0, 1, 2].map(async (i) =>
        expect(once.get('1/0')!.subarray(i * 32, i * 32 + 32)).toEqual(await reader.subtreeHash(8, i)),
      ),
    ).then(async () => expect((await treeHash(reader, 256)).equals(once.get('1/0')!.subarray(0, 32))).toBe(true));
  });

  it('round-trips entry bundles and refuses a cut one', () => {
    const entries = [Buffer.from('a'), Buffer.alloc(0), Buffer.alloc(300, 7)];
    const bundle = encodeEntryBundle(entries);
    expect(bundle.readUInt16BE(0)).toBe(1);
    expect(decodeEntryBundle(bundle)).toEqual(entries);
    expect(() => decodeEntryBundle(bundle.subarray(0, bundle.length - 1))).toThrow('truncated');
  });
});
