import { SenderQueues } from './sender-queues';

describe(SenderQueues.name, () => {
  let released: Array<{ sid: string; sender: string; at: number }>;
  let queues: SenderQueues;

  function start(segmentsPerSecond: number): void {
    released = [];
    queues = new SenderQueues({
      segmentsPerSecond,
      onRelease: (sid, sender, at) => released.push({ sid, sender, at }),
    });
  }

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    queues.clear();
    jest.useRealTimers();
  });

  it('spreads 60 segments at 20 segments/s over 3 seconds of sender time', () => {
    start(20);
    for (let i = 0; i < 30; i++) queues.enqueue('+15005550006', `SM${i}`, 2);

    jest.advanceTimersByTime(10_000);

    expect(released).toHaveLength(30);
    const offsets = released.map((r) => r.at - 1_000_000);
    // Each 2-segment message occupies the sender for 100 ms; the last leaves at 2.9 s and is done at 3.0 s.
    expect(offsets).toEqual(Array.from({ length: 30 }, (_, i) => i * 100));
    expect(released.map((r) => r.sid)).toEqual(Array.from({ length: 30 }, (_, i) => `SM${i}`));
  });

  it('releases nothing faster than the rate while the backlog lasts', () => {
    start(20);
    for (let i = 0; i < 30; i++) queues.enqueue('+15005550006', `SM${i}`, 2);

    jest.advanceTimersByTime(1_000);

    // t=0..1000 inclusive: messages at 0,100,...,1000 = 11 messages = 22 segments.
    expect(released).toHaveLength(11);
    expect(queues.depth('+15005550006')).toBe(19);
    expect(queues.queuedSegments('+15005550006')).toBe(38);
  });

  it('keeps senders independent', () => {
    start(10);
    for (let i = 0; i < 5; i++) {
      queues.enqueue('+15005550006', `A${i}`, 1);
      queues.enqueue('MGb', `B${i}`, 1);
    }

    jest.advanceTimersByTime(450);

    const at = (prefix: string) => released.filter((r) => r.sid.startsWith(prefix)).map((r) => r.at - 1_000_000);
    expect(at('A')).toEqual([0, 100, 200, 300, 400]);
    expect(at('B')).toEqual([0, 100, 200, 300, 400]);
  });

  it('estimates the wait of a new message from the backlog and the rate', () => {
    start(10);
    for (let i = 0; i < 5; i++) queues.enqueue('+15005550006', `SM${i}`, 2); // 10 segments = 1 s

    expect(queues.estimatedWaitMs('+15005550006')).toBe(1000);
    jest.advanceTimersByTime(0); // first message leaves: busy 200 ms, 8 segments left
    expect(queues.estimatedWaitMs('+15005550006')).toBe(1000);
    jest.advanceTimersByTime(100);
    expect(queues.estimatedWaitMs('+15005550006')).toBe(900);
    expect(queues.estimatedWaitMs('+15005550099')).toBe(0);
  });

  it('skips a cancelled message and gives its slot to the next one', () => {
    start(10);
    queues.enqueue('+15005550006', 'SM1', 1);
    queues.enqueue('+15005550006', 'SM2', 5);
    queues.enqueue('+15005550006', 'SM3', 1);

    expect(queues.cancel('+15005550006', 'SM2')).toBe(true);
    jest.advanceTimersByTime(1000);

    expect(released.map((r) => [r.sid, r.at - 1_000_000])).toEqual([
      ['SM1', 0],
      ['SM3', 100],
    ]);
    expect(queues.cancel('+15005550006', 'SM3')).toBe(false); // already gone
  });

  it('does not let an idle sender save up credit for a burst', () => {
    start(10);
    queues.enqueue('+15005550006', 'SM1', 1);
    jest.advanceTimersByTime(5_000);
    for (let i = 2; i <= 4; i++) queues.enqueue('+15005550006', `SM${i}`, 1);
    jest.advanceTimersByTime(1_000);

    const gaps = released.slice(1).map((r, i) => r.at - (released[i]?.at ?? 0));
    expect(gaps.slice(1)).toEqual([100, 100]);
  });

  it("keeps the sender's times when this process stalls: queued work leaves when Twilio would have sent it", () => {
    start(10);
    for (let i = 1; i <= 5; i++) queues.enqueue('+15005550006', `SM${i}`, 1);
    // The event loop is blocked for 2 s before the first drain runs.
    jest.setSystemTime(1_002_000);
    jest.advanceTimersByTime(1_000);

    expect(released.map((r) => r.at - 1_000_000)).toEqual([0, 100, 200, 300, 400]);
  });
});
