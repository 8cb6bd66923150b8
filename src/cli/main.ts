#!/usr/bin/env node
/** Entry point of the `layout-studio` command (see program.ts). */
import { main } from './program.ts'

process.exitCode = await main(process.argv.slice(2))
