// Runs the platform's services the way `npm start` does (node -r @swc-node/register <entry>), one child
// process each, so the end-to-end spec drives them only from outside: Kafka, HTTP and the database.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Kafka } from 'kafkajs';
import { groupBacklog } from '@bnp/testing';

export const ROOT = join(__dirname, '..', '..');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Only what node needs from the caller's environment: a developer's shell must not leak service settings in. */
function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG'];
  return Object.fromEntries(keep.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])));
}

export class ServiceProcess {
  private child!: ChildProcess;
  private exited!: Promise<void>;
  private readonly log: WriteStream;
  /** Boot attempts so far; see ready(). */
  attempts = 0;

  private constructor(
    readonly name: string,
    readonly port: number,
    readonly logFile: string,
    private readonly entry: string,
    private readonly env: Record<string, string>,
  ) {
    this.log = createWriteStream(logFile);
    this.spawn();
  }

  /** Starts `entry` with exactly `env` (plus PATH/HOME), logging to `logFile`. */
  static start(name: string, entry: string, port: number, env: Record<string, string>, logFile: string) {
    return new ServiceProcess(name, port, logFile, entry, env);
  }

  private spawn(): void {
    this.attempts += 1;
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, this.entry)], {
      cwd: ROOT,
      env: { ...baseEnv(), ...this.env, PORT: String(this.port), HTTP_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    // Never leave a service behind if the test runner goes away without running afterAll.
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    void this.exited.then(() => process.off('exit', kill));
    this.child = child;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Resolves once GET /health answers 200. A service that exits while booting is started again (up to
   * `maxAttempts` in all), as its supervisor would: on a broker shared with other runs, topic metadata
   * can be briefly inconsistent while someone else deletes topics, and the services stop on that at boot.
   */
  async ready(timeoutMs: number, maxAttempts = 3): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        if (this.attempts >= maxAttempts) throw new Error(`${this.name} exited during start:\n${this.tail()}`);
        this.log.write(`\n--- ${this.name} exited during start; starting it again ---\n`);
        this.spawn();
      }
      const ok = await fetch(`http://127.0.0.1:${this.port}/health`)
        .then((response) => response.ok)
        .catch(() => false);
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${this.name} not ready after ${timeoutMs} ms:\n${this.tail()}`);
  }

  tail(lines = 20): string {
    if (!existsSync(this.logFile)) return '(no log)';
    return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
  }

  /** SIGTERM (the services close their consumers and pools on it), SIGKILL if it does not exit in time. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
      await this.exited;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => this.log.end(() => resolve()));
  }
}

/** `npm run import -- <kind> <file>`; fails on a non-zero exit or on any rejected row. */
export async function importCsv(kind: string, file: string, env: Record<string, string>): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '-r',
      '@swc-node/register',
      join(ROOT, 'services/exposure/src/cli/import.ts'),
      kind,
      file,
      '--workers',
      '1',
      '--quiet',
    ],
    { cwd: ROOT, env: { ...baseEnv(), ...env } },
  );
  if (existsSync(`${file}.rejects.csv`)) {
    throw new Error(`import ${kind} rejected rows:\n${readFileSync(`${file}.rejects.csv`, 'utf8')}`);
  }
  return stdout;
}

/** How far `groupId` is behind the end of `topic`, in messages (what a shared broker's other traffic costs). */
export async function lagOf(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await groupBacklog(admin, groupId, [topic])).reduce((sum, { lag }) => sum + lag, 0);
  } finally {
    await admin.disconnect();
  }
}
