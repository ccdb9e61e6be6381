import { HASH_SIZE } from './merkle';
import { NoteError } from './note';

/** C2SP tlog-checkpoint: the note text `<origin>\n<size>\n<base64 root>\n[extension lines]`. */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
}

export function formatCheckpoint({ origin, size, root }: Checkpoint): string {
  return `${origin}\n${size}\n${root.toString('base64')}\n`;
}

export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '') throw new NoteError('a checkpoint has at least three lines');
  const [origin, size, root] = lines as [string, string, string];
  if (!origin) throw new NoteError('checkpoint origin is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size)))
    throw new NoteError('checkpoint size is not a decimal without leading zeroes');
  const hash = Buffer.from(root, 'base64');
  if (hash.length !== HASH_SIZE || hash.toString('base64') !== root)
    throw new NoteError('checkpoint root is not a base64 SHA-256 hash');
  return { origin, size: Number(size), root: hash };
}
