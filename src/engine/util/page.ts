/**
 * The 4 KiB page: the translation granule of every board modelled here and
 * the page of the kernel's ABI (L4_PAGESIZE), so one definition serves RAM
 * frames, the MMIO bus's dispatch table and flexpages.
 */
export const PAGE_SHIFT = 12
export const PAGE_SIZE = 4096
