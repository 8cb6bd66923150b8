/**
 * Which file a decoding thread reads next. The links of one step (a request group) go to one
 * thread in a row, so that its region memo (core/verify/region-memo.ts) reads their shared
 * artifact maps once; groups are taken in order. A thread about to idle (nothing in flight)
 * when no group is left takes the last file of the largest group another thread still holds:
 * taking it any earlier would only split the group.
 */
export class GroupSchedule<Thread> {
  /** Request indexes by group, in the order of each group's first request. */
  private readonly groups: number[][]
  private nextGroup = 0
  /** The files of each thread's group it has not taken yet. */
  private readonly held = new Map<Thread, number[]>()

  /** `groups[i]` is request i's group; requests without one are groups of their own. */
  constructor(groups: readonly (number | undefined)[]) {
    const byKey = new Map<number, number[]>()
    this.groups = []
    groups.forEach((key, index) => {
      const existing = key === undefined ? undefined : byKey.get(key)
      if (existing !== undefined) return void existing.push(index)
      const group = [index]
      this.groups.push(group)
      if (key !== undefined) byKey.set(key, group)
    })
  }

  /**
   * The next request for `thread`, or `undefined` when there is none for it now: every request
   * has been handed out, or (unless it is `idle`) only other threads' groups are left.
   */
  next(thread: Thread, idle: boolean): number | undefined {
    const own = this.held.get(thread)
    if (own !== undefined && own.length > 0) return own.shift()
    const group = this.groups[this.nextGroup]
    if (group !== undefined) {
      this.nextGroup++
      const [first, ...rest] = group
      this.held.set(thread, rest)
      return first
    }
    if (!idle) return undefined
    let largest: number[] | undefined
    for (const other of this.held.values()) if (other.length > (largest?.length ?? 0)) largest = other
    return largest?.pop()
  }
}
