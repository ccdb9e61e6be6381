// Create requests held open by the storeThenHang fault. The message is already stored and on its
// way; the client only sees a timeout, which is the case that tempts a blind retry.
import type { Response } from 'express';
import { toResource, type StoredMessage } from './message';

export class HungRequests {
  private readonly held = new Map<Response, StoredMessage>();

  get size(): number {
    return this.held.size;
  }

  hold(res: Response, message: StoredMessage): void {
    this.held.set(res, message);
    // A client that gives up closes the connection; it no longer needs an answer.
    res.once('close', () => this.held.delete(res));
  }

  /** Answers every held request now, late, with the message as it stands. */
  releaseAll(): number {
    const released = this.held.size;
    for (const [res, message] of this.held) {
      if (!res.writableEnded) res.status(201).json(toResource(message));
    }
    this.held.clear();
    return released;
  }

  destroyAll(): void {
    for (const res of this.held.keys()) res.socket?.destroy();
    this.held.clear();
  }
}
