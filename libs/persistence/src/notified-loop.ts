import type { Pool, PoolClient } from 'pg';
import { WorkerLoop, type WorkerLoopOptions } from './worker-loop';

export interface NotifiedLoopOptions extends Omit<WorkerLoopOptions, 'beforePass'> {
  pool: Pool;
  /** The NOTIFY channel that announces new work; a notification ends the idle sleep. */
  channel: string;
  /**
   * When set, passes run only in the one instance holding this advisory lock (on the listening
   * session, so it is released when that session ends); the others try again every `standbyMs`.
   */
  leaderLock?: string;
}

/**
 * A WorkerLoop woken by NOTIFY on `channel`, with `idleMs` as a fallback (a notification sent while no
 * one listened is lost). With `leaderLock`, one instance across all processes runs it at a time, which
 * keeps per-key order for a relay. A listening session that dies (a database restart) is replaced, with
 * its LISTEN and its lock, before the next pass.
 */
export class NotifiedLoop {
  private listener?: PoolClient;
  private leader = false;
  private lostSession = false;
  private readonly loop: WorkerLoop;

  constructor(private readonly options: NotifiedLoopOptions) {
    this.loop = new WorkerLoop({ ...options, beforePass: () => this.beforePass() });
  }

  /** False once stop() was called: a long pass checks it to end early. */
  get running(): boolean {
    return this.loop.running;
  }

  /** Whether this instance runs the passes: it holds the leader lock, or there is none. */
  get isLeader(): boolean {
    return this.leader;
  }

  async start(): Promise<void> {
    await this.listen();
    this.loop.start();
  }

  /** Ends the loop after the pass in progress, then releases the leader lock and the listening session. */
  async stop(): Promise<void> {
    await this.loop.stop();
    const listener = this.listener;
    this.listener = undefined;
    if (!listener) return;
    if (this.leader && this.options.leaderLock !== undefined && !this.lostSession) {
      await listener.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
    }
    this.leader = false;
    listener.release(this.lostSession);
  }

  private async beforePass(): Promise<boolean> {
    if (this.lostSession || !this.listener) await this.relisten();
    if (!this.leader) this.leader = await this.tryBecomeLeader();
    return this.leader;
  }

  private async listen(): Promise<void> {
    const listener = await this.options.pool.connect();
    this.lostSession = false;
    // A checked-out client that loses its connection emits 'error'; unhandled, that would end the process.
    listener.on('error', (error) => {
      this.options.logger.warn({ err: error }, 'listening session lost; reconnecting');
      this.lostSession = true;
      this.leader = false; // the advisory lock went with the session
      this.loop.wakeUp();
    });
    listener.on('notification', () => this.loop.wakeUp());
    try {
      await listener.query(`LISTEN "${this.options.channel}"`);
    } catch (error) {
      listener.release(true);
      throw error;
    }
    this.listener = listener;
  }

  /** Replaces a listening session that was lost: its LISTEN and lock are gone. */
  private async relisten(): Promise<void> {
    this.listener?.release(true);
    this.listener = undefined;
    await this.listen();
  }

  private async tryBecomeLeader(): Promise<boolean> {
    const lock = this.options.leaderLock;
    if (lock === undefined) return true;
    const { rows } = await this.listener!.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtext($1)) AS "locked"',
      [lock],
    );
    const locked = rows[0]?.locked === true;
    if (locked) this.options.logger.info({ lock }, 'this instance is the leader');
    return locked;
  }
}
