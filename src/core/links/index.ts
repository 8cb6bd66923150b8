/**
 * Reading link files, behind one interface (`Links`, types.ts) with a constructor per host:
 * links in memory and a classified bundle here (memory.ts), a directory with decoding threads
 * in the CLI (src/cli/links). What makes reading fast — the fast link reader and its work
 * buffers, the region memo, packed artifact maps, results sent between threads — is this
 * folder's business; everything outside it imports from here only.
 */
export type { LinkRequest, LinkResult, LinkSignatureResult, Links, LoadOptions, ResultListener } from './types.ts'
export { type ClassifiedLinkFile, classifiedLinks, memoryLinks } from './memory.ts'
export { LinkReader, readFailure, readLinkEnvelopeGeneral } from './reader.ts'
export { loadHere } from './load.ts'
export { ArtifactRegionMemo, type SameBytes } from './region-memo.ts'
export { DecodingThread, TransferReceiver, type TransferredResult } from './thread-transfer.ts'
export { PackedArtifactMap } from './packed-artifacts.ts'
