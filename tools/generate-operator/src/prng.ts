/**
 * Seeded PRNG (sfc32, seeded through splitmix32): fast, 128-bit state, and a period far beyond the ~10^9 draws of a
 * 10-million-subscriber run. Math.random cannot be seeded, and the output must be identical for a given seed.
 */
export class SeededRandom {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    let state = seed >>> 0;
    const splitmix = () => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = splitmix();
    this.#b = splitmix();
    this.#c = splitmix();
    this.#d = splitmix();
    for (let i = 0; i < 12; i++) this.next(); // mix the initial state
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t / 4294967296;
  }

  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }
}

/** Picks values by relative weight in O(log n); build once, draw millions of times. */
export class WeightedTable<T> {
  readonly #values: T[];
  readonly #cumulative: number[];

  constructor(choices: readonly (readonly [T, number])[]) {
    if (choices.length === 0) throw new RangeError('a weighted table needs at least one choice');
    let total = 0;
    this.#values = choices.map(([value]) => value);
    this.#cumulative = choices.map(([, weight]) => (total += weight));
  }

  draw(random: SeededRandom): T {
    const cumulative = this.#cumulative;
    const target = random.next() * (cumulative[cumulative.length - 1] as number);
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((cumulative[mid] as number) > target) high = mid;
      else low = mid + 1;
    }
    return this.#values[low] as T;
  }
}
