import pino from 'pino';
import { WorkerLoop, type WorkerLoopOptions } from './worker-loop';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Polls until `check` holds (a loaded machine runs timers late); fails after five seconds. */
async function until(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 5) {
    if (waited > 5000) throw new Error('condition not met within 5 s');
    await tick(5);
  }
}

describe(WorkerLoop.name, () => {
  const loops: WorkerLoop[] = [];
  const make = (options: Partial<WorkerLoopOptions> & Pick<WorkerLoopOptions, 'pass'>) => {
    const loop = new WorkerLoop({ logger: pino({ level: 'silent' }), idleMs: 60_000, ...options });
    loops.push(loop);
    return loop;
  };

  afterEach(async () => {
    await Promise.all(loops.splice(0).map((loop) => loop.stop()));
  });

  it('runs passes back to back while they find work, then sleeps until woken', async () => {
    const results = [3, 2, 0, 0];
    let passes = 0;
    const loop = make({ pass: () => Promise.resolve(results[passes++] ?? 0) });
    loop.start();
    await until(() => passes === 3);
    await tick(50);
    expect(passes).toBe(3);

    loop.wakeUp();
    await until(() => passes === 4);
  });

  it('skips the pass while beforePass says no, trying again every standbyMs', async () => {
    let allowed = false;
    let passes = 0;
    const loop = make({
      beforePass: () => Promise.resolve(allowed),
      standbyMs: 10,
      pass: () => Promise.resolve((passes++, 0)),
    });
    loop.start();
    await tick(60);
    expect(passes).toBe(0);

    allowed = true;
    await until(() => passes === 1);
  });

  it('logs a pass that throws with its message and retries after retryMs', async () => {
    const logged: { msg: string; err: { message: string } }[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    let passes = 0;
    const loop = make({
      logger,
      retryMs: 10,
      failureMessage: 'job failed',
      pass: () => (passes++ === 0 ? Promise.reject(new Error('partner timed out')) : Promise.resolve(0)),
    });
    loop.start();
    await until(() => passes === 2);

    expect(logged).toEqual([
      expect.objectContaining({ msg: 'job failed', err: expect.objectContaining({ message: 'partner timed out' }) }),
    ]);
  });

  it('stops at once after an idle pass that was in progress when stop() came', async () => {
    let finish!: () => void;
    const loop = make({ pass: () => new Promise<number>((resolve) => (finish = () => resolve(0))) });
    loop.start();
    await until(() => typeof finish === 'function');
    const stopped = loop.stop();
    finish();

    await expect(Promise.race([stopped.then(() => 'stopped'), tick(1000).then(() => 'still sleeping')])).resolves.toBe(
      'stopped',
    );
  });

  it('stops after the pass in progress and runs no other', async () => {
    let finish!: () => void;
    let passes = 0;
    const loop = make({
      pass: () => {
        passes += 1;
        return new Promise<number>((resolve) => (finish = () => resolve(5)));
      },
    });
    loop.start();
    await until(() => passes === 1);
    const stopped = loop.stop();
    expect(loop.running).toBe(false);
    finish();
    await stopped;
    await tick(20);

    expect(passes).toBe(1);
  });
});
