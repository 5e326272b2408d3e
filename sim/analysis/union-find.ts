// Disjoint sets over 0..n-1 (Tarjan 1975, "Efficiency of a Good But Not Linear Set Union
// Algorithm"): union by size with path halving, so a million addresses cluster in near-linear time.

export class UnionFind {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;
  private sets: number;

  constructor(readonly n: number) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`a union-find needs a non-negative integer size, got ${n}`);
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
    this.size = new Int32Array(n).fill(1);
    this.sets = n;
  }

  /** Number of disjoint sets. */
  get count(): number {
    return this.sets;
  }

  find(x: number): number {
    this.check(x);
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]];
      x = p[x];
    }
    return x;
  }

  /** Merges the sets of a and b; returns whether they were separate. */
  union(a: number, b: number): boolean {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return false;
    if (this.size[ra] < this.size[rb]) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra] += this.size[rb];
    this.sets--;
    return true;
  }

  same(a: number, b: number): boolean {
    return this.find(a) === this.find(b);
  }

  sizeOf(x: number): number {
    return this.size[this.find(x)];
  }

  /**
   * Dense set labels: label[i] in 0..count-1, numbered by each set's smallest member, so equal
   * inputs give equal labels whatever the order of unions.
   */
  labels(): Int32Array {
    const label = new Int32Array(this.n).fill(-1);
    const rootLabel = new Int32Array(this.n).fill(-1);
    let next = 0;
    for (let i = 0; i < this.n; i++) {
      const r = this.find(i);
      if (rootLabel[r] < 0) rootLabel[r] = next++;
      label[i] = rootLabel[r];
    }
    return label;
  }

  private check(x: number): void {
    if (!(x >= 0 && x < this.n) || !Number.isInteger(x)) throw new RangeError(`element ${x} is outside 0..${this.n - 1}`);
  }
}
