import type { CheckpointRef } from '../report/report-document';

/** Where regulator-api's own bearer token for the log comes from (ClientCredentialsTokens in production). */
export interface TokenSource {
  token(): Promise<string>;
}

/**
 * What regulator-api reads from the transparency log service (TLOG_URL), as itself: its own token
 * (client credentials, log-reader), never the regulator's, whose jurisdiction this service enforces.
 */
export class LogClient {
  constructor(
    readonly baseUrl: string,
    private readonly tokens: TokenSource,
    private readonly timeoutMs = 5000,
  ) {}

  /** The log's current checkpoint as a reference (origin, size, root); null when the log cannot say. */
  async checkpoint(): Promise<CheckpointRef | null> {
    try {
      const response = await fetch(new URL('checkpoint', this.withSlash()), {
        headers: await this.authorization(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) return null;
      return parseCheckpoint(await response.text());
    } catch {
      return null;
    }
  }

  /** Fetches a read-only path of the log (tiles, checkpoint, proofs, bundles) for the proxy. */
  async get(path: string, search = ''): Promise<Response> {
    return fetch(new URL(`${path}${search}`, this.withSlash()), {
      headers: await this.authorization(),
      signal: AbortSignal.timeout(this.timeoutMs * 6),
    });
  }

  private async authorization(): Promise<Record<string, string>> {
    return { authorization: `Bearer ${await this.tokens.token()}` };
  }

  private withSlash(): string {
    return this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`;
  }
}

/** The body of a C2SP tlog-checkpoint: origin, tree size, base64 root hash (the signature lines are not needed here). */
export function parseCheckpoint(note: string): CheckpointRef | null {
  const [origin, size, root] = note.split('\n');
  if (!origin || !size || !/^\d+$/.test(size) || !root) return null;
  return { origin, treeSize: Number(size), rootHash: root };
}
