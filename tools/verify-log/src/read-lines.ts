import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

/** The lines of a file, gunzipped if it starts with gzip's magic bytes. */
export async function* fileLines(path: string): AsyncGenerator<string> {
  const handle = await open(path, 'r');
  const magic = Buffer.alloc(2);
  await handle.read(magic, 0, 2, 0);
  await handle.close();
  let stream: Readable = createReadStream(path);
  if (magic[0] === 0x1f && magic[1] === 0x8b) stream = stream.pipe(createGunzip());
  yield* createInterface({ input: stream, crlfDelay: Infinity });
}
