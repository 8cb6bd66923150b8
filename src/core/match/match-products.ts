/**
 * Checking local files against a link's products, as in-toto 2.x `in-toto-match-products`
 * does (`runlib.in_toto_match_products`): the files are recorded like products
 * (`record_artifacts_as_dict` with the given paths, exclude patterns and left-strip prefixes;
 * symlinked directories not followed) and compared with `link.products` by name and by the
 * whole hash dict (`link.products[name] != artifacts[name]`: same algorithms, same strings).
 *
 * The reference returns three sets, printed in Python's set order; ours are sorted by code
 * point so two runs print the same (docs/compatibility.md).
 */
import { compareCodePoints } from '../json/canonical.ts'
import type { ArtifactMap, HashDict } from '../model/types.ts'
import { plannedArtifacts, recordArtifacts, type RecordingFs, type RecordOptions } from '../record/record.ts'

export interface ProductComparison {
  /** In the link's products, not among the local files. */
  readonly onlyInProducts: readonly string[]
  /** Among the local files, not in the link's products. */
  readonly notInProducts: readonly string[]
  /** In both, with different hash dicts. */
  readonly differ: readonly string[]
  /** In both, with equal hash dicts. */
  readonly matching: number
}

export interface MatchResult extends ProductComparison {
  /** What was recorded from the local files (after excludes and left-stripping). */
  readonly artifacts: ArtifactMap
}

export interface MatchOptions {
  /** Files or directories to record (`-p`); default the working directory, `.`. */
  readonly paths?: readonly string[]
  /** gitignore-style patterns (`-e`); absent or empty: in-toto's defaults, as `if not exclude_patterns` does. */
  readonly excludePatterns?: readonly string[]
  /** `--lstrip-paths`. */
  readonly lstripPaths?: readonly string[]
  readonly onFile?: (path: string) => void
  /** When given, the walk is done once without hashing first, and this learns which files will be hashed. */
  readonly onPlan?: (paths: readonly string[]) => void
  readonly signal?: AbortSignal
}

export function isMatch(comparison: ProductComparison): boolean {
  return comparison.onlyInProducts.length === 0 && comparison.notInProducts.length === 0 && comparison.differ.length === 0
}

/** The three lists of `in_toto_match_products` for already recorded artifacts. */
export function compareWithProducts(products: ArtifactMap, artifacts: ArtifactMap): ProductComparison {
  const onlyInProducts: string[] = []
  const differ: string[] = []
  let matching = 0
  for (const [path, expected] of products) {
    const actual = artifacts.get(path)
    if (actual === undefined) onlyInProducts.push(path)
    else if (sameHashDict(expected, actual)) matching++
    else differ.push(path)
  }
  const notInProducts = [...artifacts.keys()].filter((path) => !products.has(path))
  return { onlyInProducts: onlyInProducts.sort(compareCodePoints), notInProducts: notInProducts.sort(compareCodePoints), differ: differ.sort(compareCodePoints), matching }
}

/** Records the local files from `fs` and compares them with `products`. */
export async function matchProducts(products: ArtifactMap, fs: RecordingFs, options: MatchOptions = {}): Promise<MatchResult> {
  const paths = options.paths && options.paths.length > 0 ? options.paths : ['.']
  const recording: RecordOptions = {
    semantics: 'in-toto-2',
    followSymlinkedDirectories: false,
    excludePatterns: options.excludePatterns && options.excludePatterns.length > 0 ? options.excludePatterns : undefined,
    lstripPaths: options.lstripPaths,
    signal: options.signal,
  }
  if (options.onPlan) options.onPlan(await plannedArtifacts(paths, fs, recording))
  const artifacts = await recordArtifacts(paths, fs, { ...recording, onFile: options.onFile })
  return { ...compareWithProducts(products, artifacts), artifacts }
}

/** Python dict equality of two hash dicts: the same algorithms with the same digests. */
export function sameHashDict(a: HashDict, b: HashDict): boolean {
  if (a.size !== b.size) return false
  for (const [algorithm, digest] of a) if (b.get(algorithm) !== digest) return false
  return true
}
