/**
 * Stable React keys for lists whose items can repeat (two identical rules, two equal warnings): the item's
 * text plus how many times it came before. A key follows its item when others are inserted or removed
 * elsewhere, which an array index does not.
 */
export function keyed<T>(items: readonly T[], text: (item: T) => string): { key: string; item: T; index: number }[] {
  const seen = new Map<string, number>()
  return items.map((item, index) => {
    const base = text(item)
    const occurrence = seen.get(base) ?? 0
    seen.set(base, occurrence + 1)
    return { key: occurrence === 0 ? base : `${base}#${occurrence}`, item, index }
  })
}
