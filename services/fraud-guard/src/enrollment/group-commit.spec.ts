import { GroupCommit } from './group-commit';

interface Item {
  key: string;
  value: number;
}

function recorder(fail: (items: Item[]) => boolean = () => false) {
  const batches: number[][] = [];
  const work = async (items: Item[]): Promise<number[]> => {
    batches.push(items.map((item) => item.value));
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (fail(items)) throw new Error(`refused ${items.map((item) => item.value).join(',')}`);
    return items.map((item) => item.value * 10);
  };
  return { batches, work };
}

describe('GroupCommit', () => {
  it('handles items submitted together in one unit of work and answers each caller with its own result', async () => {
    const { batches, work } = recorder();
    const group = new GroupCommit<Item, number>(work, (item) => item.key, {
      maxBatch: 10,
      lingerMs: 5,
      maxInFlight: 1,
    });
    const results = await Promise.all([1, 2, 3].map((value) => group.submit({ key: `k${value}`, value })));
    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('never puts two items of one key in the same batch, and keeps their order', async () => {
    const { batches, work } = recorder();
    const group = new GroupCommit<Item, number>(work, (item) => item.key, {
      maxBatch: 10,
      lingerMs: 5,
      maxInFlight: 1,
    });
    await Promise.all([
      group.submit({ key: 'a', value: 1 }),
      group.submit({ key: 'a', value: 2 }),
      group.submit({ key: 'b', value: 3 }),
    ]);
    expect(batches).toEqual([[1, 3], [2]]);
  });

  it('runs a full batch at once and keeps no more than maxInFlight running', async () => {
    let running = 0;
    let most = 0;
    const sizes: number[] = [];
    const group = new GroupCommit<Item, number>(
      async (items) => {
        running++;
        most = Math.max(most, running);
        sizes.push(items.length);
        await new Promise((resolve) => setTimeout(resolve, 10));
        running--;
        return items.map((item) => item.value);
      },
      (item) => item.key,
      { maxBatch: 4, lingerMs: 1000, maxInFlight: 2 },
    );
    const started = Date.now();
    await Promise.all(Array.from({ length: 12 }, (_, value) => group.submit({ key: `k${value}`, value })));
    expect(sizes).toEqual([4, 4, 4]);
    expect(most).toBe(2);
    // Full batches never waited out the linger.
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('fails only the item that fails: a refused batch is tried again item by item', async () => {
    const { batches, work } = recorder((items) => items.some((item) => item.value === 2));
    const group = new GroupCommit<Item, number>(work, (item) => item.key, {
      maxBatch: 10,
      lingerMs: 5,
      maxInFlight: 1,
    });
    const results = await Promise.allSettled([1, 2, 3].map((value) => group.submit({ key: `k${value}`, value })));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 10 });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: new Error('refused 2') });
    expect(batches).toEqual([[1, 2, 3], [1], [2], [3]]);
  });
});
