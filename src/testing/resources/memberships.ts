/**
 * The derived group memberships: membership `j` (1-based) puts user `((j-1) % U) + 1` in
 * group `((user - 1 + round) % G) + 1`, where `round = floor((j-1) / U)`. Pairs are unique
 * (at most U × G memberships) and both directions enumerate without a scan:
 * a user's memberships are `j = user + r·U`, a group's members are found per round.
 */
export class Memberships {
  readonly #users: number;
  readonly #groups: number;
  readonly #count: number;

  constructor(users: number, groups: number, count: number) {
    this.#users = users;
    this.#groups = groups;
    this.#count = users === 0 || groups === 0 ? 0 : Math.min(count, users * groups);
  }

  /** Number of base memberships. */
  get count(): number {
    return this.#count;
  }

  /** User of membership `j`. */
  userOf(j: number): number {
    return ((j - 1) % this.#users) + 1;
  }

  /** Group of membership `j`. */
  groupOf(j: number): number {
    const user = this.userOf(j);
    const round = Math.floor((j - 1) / this.#users);
    return ((user - 1 + round) % this.#groups) + 1;
  }

  /** Base memberships of a user, in id order. */
  ofUser(user: number): number[] {
    const out: number[] = [];
    if (user < 1 || user > this.#users) return out;
    for (let j = user; j <= this.#count; j += this.#users) out.push(j);
    return out;
  }

  /** Base memberships of a group, in id order. Cost: proportional to the group's members. */
  ofGroup(group: number): number[] {
    const out: number[] = [];
    const U = this.#users;
    const G = this.#groups;
    if (group < 1 || group > G) return out;
    const rounds = Math.ceil(this.#count / Math.max(U, 1));
    for (let round = 0; round < rounds; round++) {
      const first = ((((group - 1 - round) % G) + G) % G) + 1;
      for (let user = first; user <= U; user += G) {
        const j = user + round * U;
        if (j > this.#count) break;
        out.push(j);
      }
    }
    return out.sort((a, b) => a - b);
  }
}
