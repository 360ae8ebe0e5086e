// The GICv3 state block: what the interrupt controller holds, shared by its
// two halves — the CPU interface a core implements as system registers
// (cpu/aarch64/assembly/gic.ts) and the memory-mapped distributor and
// redistributors of the board (devices/gicv3.ts). It lives in the core's
// memory, so both work on the same words without calls across. Written in
// the subset of TypeScript that AssemblyScript compiles too: integer constants.
//
// One per core module, in its memory at the offset gicBase() returns: the
// distributor's view of the SPIs, and per core its redistributor's view of
// SGIs and PPIs and its CPU interface. Bitmaps are u32 words, one bit per
// INTID; an interrupt is pending while its latch is set or (level-sensitive)
// its line is high.
export const GIC_BYTES = 0x3000
/** u32 GICD_CTLR: bit 1 EnableGrp1NS (affinity routing is always on). */
export const GIC_DCTLR = 0
/** SPI bitmaps, 32 words each (word 0, the private INTIDs, unused). */
export const GIC_SPI_ENABLE = 0x100
export const GIC_SPI_PENDING = 0x180
export const GIC_SPI_ACTIVE = 0x200
export const GIC_SPI_LEVEL = 0x280
export const GIC_SPI_EDGE = 0x300
export const GIC_SPI_GROUP = 0x380
/** u8 per INTID. */
export const GIC_SPI_PRIO = 0x400
/** u32 per INTID: the core an SPI goes to (GICD_IROUTER's Aff0; IRM: 0xFFFFFFFF, any core). */
export const GIC_SPI_ROUTE = 0x800
/** Per core, GIC_CPU_BYTES each. */
export const GIC_CPU = 0x1800
export const GIC_CPU_BYTES = 0x80
// Offsets in a core's part: its SGIs' and PPIs' bitmaps, then its CPU interface.
export const GIC_C_ENABLE = 0
export const GIC_C_PENDING = 4
export const GIC_C_ACTIVE = 8
export const GIC_C_LEVEL = 12
export const GIC_C_EDGE = 16
export const GIC_C_GROUP = 20
/** GICR_WAKER (bit 1 ProcessorSleep). */
export const GIC_C_WAKER = 24
export const GIC_C_PMR = 28
export const GIC_C_BPR1 = 32
export const GIC_C_IGRPEN1 = 36
/** ICC_CTLR_EL1's writable bits (EOImode, bit 1). */
export const GIC_C_CTLR = 40
/** ICC_AP1R0_EL1: one bit per active group priority (priority >> 3). */
export const GIC_C_AP1R0 = 44
/** u8 per private INTID. */
export const GIC_C_PRIO = 64
