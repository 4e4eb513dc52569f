// A small seeded PRNG and the draws the generator needs. Same seed, same sequence, on every
// machine: the generator never touches Math.random.
//
// The generator draws from hundreds of thousands of independent streams (one per person-day, per
// team-day, …), so that changing one part of the org does not shift every other. mulberry32 is not
// fit for that: its 32-bit state walks one fixed cycle, so streams started from nearby seeds
// overlap, and 32-bit seeds collide. Each stream here is sfc32 (128-bit state) seeded from a
// SHA-256 of the seed and the stream's name.
import { createHash } from 'node:crypto';

export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
  /** integer in [min, max] */
  int(min: number, max: number): number;
  /** true with probability p */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** an index drawn by weight */
  weighted(weights: readonly number[]): number;
  /** Poisson count with mean `mean` (Knuth; fine for the small means used here) */
  poisson(mean: number): number;
  /** log-normal multiplier with median 1 */
  logNormal(sigma: number): number;
  /** n lower-case hex characters */
  hex(n: number): string;
  /** a UUID-shaped id (version 4 layout) */
  uuid(): string;
  /** n random characters [0-9a-z] (the shape of a hashed idempotency key) */
  key(n: number): string;
}

/** sfc32: a small fast counter generator with 128 bits of state (PractRand-clean) */
export function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** the 128-bit starting state of the stream named by `parts` under `seed` */
export function streamState(seed: number, parts: ReadonlyArray<number | string>): [number, number, number, number] {
  const h = createHash('sha256').update(`${seed}\u0000${parts.join('\u0000')}`).digest();
  return [h.readUInt32LE(0), h.readUInt32LE(4), h.readUInt32LE(8), h.readUInt32LE(12)];
}

const HEX = '0123456789abcdef';

/** the stream named by `parts` (e.g. 'person-day', 17, 203) under `seed` */
export function createRng(seed: number, ...parts: Array<number | string>): Rng {
  const next = sfc32(...streamState(seed, parts));
  // discard a few outputs: sfc32's first draws still resemble the seed
  for (let i = 0; i < 12; i++) next();
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted(weights) {
      let total = 0;
      for (const w of weights) total += w;
      let x = next() * total;
      for (let i = 0; i < weights.length; i++) {
        x -= weights[i]!;
        if (x < 0) return i;
      }
      return weights.length - 1;
    },
    poisson(mean) {
      const l = Math.exp(-mean);
      let k = 0;
      let p = 1;
      do {
        k += 1;
        p *= next();
      } while (p > l);
      return k - 1;
    },
    logNormal(sigma) {
      // Box-Muller; 1 - next() keeps the log argument above zero
      const u = 1 - next();
      const v = next();
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      return Math.exp(sigma * z);
    },
    hex(n) {
      let s = '';
      for (let i = 0; i < n; i++) s += HEX[Math.floor(next() * 16)];
      return s;
    },
    key(n) {
      // base-36 digits of 32-bit draws: cheap, and as random as a hash for an index
      let s = '';
      while (s.length < n) s += Math.floor(next() * 4294967296).toString(36).padStart(7, '0');
      return s.slice(0, n);
    },
    uuid() {
      const h = rng.hex(32);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${HEX[8 + Math.floor(next() * 4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
  };
  return rng;
}
