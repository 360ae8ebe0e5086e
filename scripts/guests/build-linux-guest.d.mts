export const CACHE: string
export const KERNEL_CACHE: string
export const OUT_DIR: string
export const DISK_FIRST_LINE: string
export const OUTPUT_FILES: string[]
export function missingCache(): string | undefined
export function parseDepends(text: string): Map<string, string[]>
export function loadOrder(deps: Map<string, string[]>, wanted: string[]): string[]
export function wantedModules(): string[]
export function buildLinuxGuest(opts?: { force?: boolean; outDir?: string }): Promise<string>
