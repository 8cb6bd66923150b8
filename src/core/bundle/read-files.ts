/**
 * The dropped files read, unpacked and classified once: what does not depend on the layout,
 * the keys or the parameters.
 */
import { ArtifactRegionMemo, LinkReader } from '../links/index.ts'
import { assembleBundle, type Bundle, type BundleFile, type BundleInput } from './assemble.ts'
import { classifyFile, type ClassifiedFile } from './classify.ts'
import type { BundleLimits } from './limits.ts'

/**
 * The dropped files read, unpacked and classified: what does not depend on the layout, the
 * keys or the parameters, so it can be kept while the person chooses those, and verified
 * without reading the links again.
 */
export interface BundleFiles {
  readonly links: Bundle
  readonly products: Bundle
  /** One per file of `links`, in the same order. */
  readonly classified: readonly ClassifiedFile[]
}

export async function readBundleFiles(links: readonly BundleInput[], products: readonly BundleInput[], limits?: BundleLimits): Promise<BundleFiles> {
  // One reader and memo for the whole bundle: nothing here sends the maps to another thread (region-memo.ts).
  const reader = new LinkReader({ memo: new ArtifactRegionMemo() })
  // Each link is classified as it joins the bundle, while the next files are read.
  const classified: ClassifiedFile[] = []
  const onFile = (file: BundleFile) => void classified.push(classifyFile(file.path, file.bytes, reader))
  const [linkBundle, productBundle] = await Promise.all([assembleBundle(links, { expand: true, limits, onFile }), assembleBundle(products, { expand: false, limits })])
  return { links: linkBundle, products: productBundle, classified }
}
