// Types of node.mjs for the TypeScript tests that build the CLI as the build does.
import type { BuildOptions } from 'esbuild'

export function cliBuildOptions(outdir: string): BuildOptions
export function buildNode(opts: { force: boolean }): Promise<boolean>
