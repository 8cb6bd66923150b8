/**
 * The CLI's host of the core's `Links` (core/links): a link directory on disk, decoded on
 * worker threads when the bundle is big. Everything outside this folder imports from here only,
 * except main.ts, which starts the threads (threads.ts) before the rest of the program loads.
 */
export { DirectoryLinks, type DirectoryLinksOptions } from './directory.ts'
export { DEFAULT_MAX_LINK_BYTES } from './files.ts'
export { DecodingPool } from './pool.ts'
