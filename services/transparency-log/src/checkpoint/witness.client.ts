import { openNote, parseNote, type NoteVerifier } from '@bnp/tlog';

export class WitnessError extends Error {
  override name = 'WitnessError';
}

/** The witness's answer to add-checkpoint: its signature lines, or the size it last cosigned (409). */
export type WitnessAnswer = { cosignatures: string[] } | { conflictSize: number };

/**
 * A C2SP tlog-witness client: POST <prefix>/add-checkpoint with "old <size>", the consistency proof
 * lines, an empty line and the signed checkpoint. Returns only cosignature lines that verify under
 * the configured witness key.
 */
export class WitnessClient {
  constructor(
    private readonly url: string,
    private readonly key: NoteVerifier,
    private readonly timeoutMs: number,
  ) {}

  async addCheckpoint(oldSize: number, proof: readonly Buffer[], note: string): Promise<WitnessAnswer> {
    const body = `old ${oldSize}\n${proof.map((hash) => `${hash.toString('base64')}\n`).join('')}\n${note}`;
    const response = await fetch(new URL('add-checkpoint', this.url.endsWith('/') ? this.url : `${this.url}/`), {
      method: 'POST',
      body,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    if (response.status === 409 && response.headers.get('content-type')?.startsWith('text/x.tlog.size')) {
      const size = Number(text.trim());
      if (!Number.isSafeInteger(size)) throw new WitnessError(`witness answered 409 with no size`);
      return { conflictSize: size };
    }
    if (response.status !== 200)
      throw new WitnessError(`witness refused the checkpoint: ${response.status} ${text.slice(0, 200)}`);
    const lines = text.split('\n').filter((line) => line.length > 0);
    // Verified the way the spec suggests: the answer appended to the checkpoint must open under the witness key.
    const { text: body_ } = parseNote(note);
    openNote(`${body_}\n${lines.map((line) => `${line}\n`).join('')}`, [this.key]);
    return { cosignatures: lines.filter((line) => line.startsWith(`\u2014 ${this.key.name} `)) };
  }
}
