import { readFile, rename, writeFile } from 'node:fs/promises';
import type { WitnessState } from './witness';

/** The witness's memory in a JSON file, replaced atomically (write, then rename) before each answer. */
export class FileWitnessState implements WitnessState {
  constructor(private readonly path: string | null) {}

  private memory: Record<string, { size: number; root: string }> | null = null;

  private async load(): Promise<Record<string, { size: number; root: string }>> {
    if (this.memory) return this.memory;
    try {
      this.memory = this.path ? (JSON.parse(await readFile(this.path, 'utf8')) as typeof this.memory) : {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.memory = {};
    }
    return this.memory!;
  }

  async get(origin: string) {
    const entry = (await this.load())[origin];
    return entry ? { size: entry.size, root: Buffer.from(entry.root, 'base64') } : null;
  }

  async set(origin: string, checkpoint: { size: number; root: Buffer }): Promise<void> {
    const memory = {
      ...(await this.load()),
      [origin]: { size: checkpoint.size, root: checkpoint.root.toString('base64') },
    };
    if (this.path) {
      await writeFile(`${this.path}.tmp`, JSON.stringify(memory, null, 2));
      await rename(`${this.path}.tmp`, this.path);
    }
    this.memory = memory;
  }
}
