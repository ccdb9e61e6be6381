import {
  checkSignature,
  cosignatureSigner,
  parseCheckpoint,
  parseNote,
  signatureLine,
  verifyConsistency,
  type Checkpoint,
  type Ed25519Key,
  type NoteVerifier,
} from '@bnp/tlog';

/** What the witness remembers per log: the latest checkpoint it cosigned. */
export interface WitnessState {
  get(origin: string): Promise<{ size: number; root: Buffer } | null>;
  /** Must be durable before the cosignature is returned. */
  set(origin: string, checkpoint: { size: number; root: Buffer }): Promise<void>;
}

export interface WitnessAnswer {
  status: number;
  contentType: string;
  body: string;
}

const text = (status: number, body: string): WitnessAnswer => ({
  status,
  contentType: 'text/plain; charset=utf-8',
  body,
});

/**
 * C2SP tlog-witness add-checkpoint, checked in the spec's order: a known origin (404), a signature by
 * the log's key (403), old size not above the new (400), old size equal to what was last cosigned
 * (409 with text/x.tlog.size), the consistency proof (422), and an equal size with another root (409).
 * Requests are handled one at a time, so check and update are atomic: it never cosigns two
 * checkpoints of one log that are inconsistent with each other.
 */
export class Witness {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly key: Ed25519Key,
    private readonly logs: ReadonlyMap<string, NoteVerifier>,
    private readonly state: WitnessState,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  addCheckpoint(body: string): Promise<WitnessAnswer> {
    const answer = this.queue.then(() => this.handle(body));
    this.queue = answer.catch(() => undefined);
    return answer;
  }

  private async handle(body: string): Promise<WitnessAnswer> {
    const request = parseRequest(body);
    if (typeof request === 'string') return text(400, `${request}\n`);
    const { oldSize, proof, note } = request;
    let parsed;
    let checkpoint: Checkpoint;
    try {
      parsed = parseNote(note);
      checkpoint = parseCheckpoint(parsed.text);
    } catch (error) {
      return text(400, `malformed checkpoint: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    const logKey = this.logs.get(checkpoint.origin);
    if (!logKey) return text(404, 'unknown log origin\n');
    const signed = parsed.signatures.some(
      (sig) => sig.name === logKey.name && sig.id.equals(logKey.id) && checkSignature(logKey, parsed.text, sig).ok,
    );
    if (!signed) return text(403, 'no valid signature by the log’s key\n');
    if (oldSize > checkpoint.size) return text(400, 'old size is larger than the checkpoint size\n');
    const latest = (await this.state.get(checkpoint.origin)) ?? { size: 0, root: Buffer.alloc(0) };
    if (oldSize !== latest.size) return { status: 409, contentType: 'text/x.tlog.size', body: `${latest.size}\n` };
    if (oldSize === checkpoint.size) {
      if (oldSize > 0 && !latest.root.equals(checkpoint.root)) return text(409, 'same size, different root: a fork\n');
    } else if (oldSize === 0) {
      if (proof.length !== 0) return text(422, 'the proof from size 0 must be empty\n');
    } else {
      try {
        verifyConsistency(oldSize, checkpoint.size, proof, latest.root, checkpoint.root);
      } catch (error) {
        return text(
          422,
          `inconsistent with the cosigned tree of size ${oldSize}: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      }
    }
    await this.state.set(checkpoint.origin, { size: checkpoint.size, root: checkpoint.root });
    return text(200, `${signatureLine(cosignatureSigner(this.key, this.now), parsed.text)}\n`);
  }
}

function parseRequest(body: string): { oldSize: number; proof: Buffer[]; note: string } | string {
  const blank = body.indexOf('\n\n');
  if (blank < 0) return 'missing the empty line before the checkpoint';
  const head = body.slice(0, blank).split('\n');
  const match = /^old (0|[1-9][0-9]*)$/.exec(head[0] ?? '');
  if (!match) return 'first line must be "old <size>"';
  const lines = head.slice(1);
  if (lines.length > 63) return 'more than 63 proof lines';
  const proof: Buffer[] = [];
  for (const line of lines) {
    const hash = Buffer.from(line, 'base64');
    if (hash.length !== 32 || hash.toString('base64') !== line) return 'a proof line is not a base64 SHA-256 hash';
    proof.push(hash);
  }
  return { oldSize: Number(match[1]), proof, note: body.slice(blank + 2) };
}
