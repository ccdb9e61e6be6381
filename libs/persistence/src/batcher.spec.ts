import { Batcher } from './batcher';

describe(Batcher.name, () => {
  it('writes items that arrive together in one batch and settles each caller after the write', async () => {
    const writes: number[][] = [];
    const sut = new Batcher<number>(
      async (items) => {
        writes.push(items);
      },
      100,
      5,
    );
    await Promise.all([1, 2, 3].map((item) => sut.add(item)));
    expect(writes).toEqual([[1, 2, 3]]);
  });

  it('fails every caller of a failed batch, and keeps going afterwards', async () => {
    let fail = true;
    const sut = new Batcher<string>(
      async () => {
        if (fail) throw new Error('database down');
      },
      100,
      1,
    );
    await expect(Promise.all([sut.add('a'), sut.add('b')])).rejects.toThrow('database down');
    fail = false;
    await expect(sut.add('c')).resolves.toBeUndefined();
  });

  it('flushes at once when the batch is full, and drains what is pending', async () => {
    const writes: number[][] = [];
    const sut = new Batcher<number>(
      async (items) => {
        writes.push(items);
      },
      2,
      10_000,
    );
    const full = Promise.all([sut.add(1), sut.add(2)]);
    await full;
    const pending = sut.add(3);
    await sut.drain();
    await pending;
    expect(writes).toEqual([[1, 2], [3]]);
  });
});

describe(`${Batcher.name} with concurrent writes`, () => {
  it('starts a second write while the first is still running, and never more than allowed', async () => {
    let running = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const sut = new Batcher<number>(
      async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => release.push(resolve));
        running -= 1;
      },
      1,
      0,
      2,
    );
    const all = Promise.all([sut.add(1), sut.add(2), sut.add(3)]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(running).toBe(2);
    while (release.length > 0 || running > 0) {
      release.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await all;
    expect(most).toBe(2);
  });

  it('with keyOf, never puts two items of one key in one batch, and keeps their order', async () => {
    const writes: string[][] = [];
    const sut = new Batcher<string>(
      async (items) => {
        writes.push(items);
      },
      100,
      5,
      1,
      { keyOf: (item) => item.slice(0, 1) },
    );
    await Promise.all(['a1', 'a2', 'b1'].map((item) => sut.add(item)));
    expect(writes).toEqual([['a1', 'b1'], ['a2']]);
  });

  it('with retryAlone, fails only the item that fails: a refused batch is written again item by item', async () => {
    const writes: number[][] = [];
    const sut = new Batcher<number, number>(
      async (items) => {
        writes.push(items);
        if (items.includes(2)) throw new Error(`refused ${items.join(',')}`);
        return items.map((item) => ({ ok: true, value: item * 10 }));
      },
      100,
      5,
      1,
      { retryAlone: true },
    );
    const results = await Promise.allSettled([1, 2, 3].map((item) => sut.add(item)));
    expect(results).toEqual([
      { status: 'fulfilled', value: 10 },
      { status: 'rejected', reason: new Error('refused 2') },
      { status: 'fulfilled', value: 30 },
    ]);
    expect(writes).toEqual([[1, 2, 3], [1], [2], [3]]);
  });
});
