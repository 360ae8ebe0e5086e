/**
 * The lab as the UI sees it: a mirror of the back end's snapshot and
 * figures, kept current by contract events. No engine logic lives here;
 * actions only send contract commands.
 */
import { defineStore } from 'pinia'
import type { BoardInfo, LabBridge, LabSnapshot, VmInfo, VmStats } from '../../../shared/contract'

let bridge: LabBridge | null = null

export function labBridge(): LabBridge {
  if (!bridge) throw new Error('the lab store has no bridge yet')
  return bridge
}

export const useLab = defineStore('lab', {
  state: () => ({
    version: '',
    boards: [] as BoardInfo[],
    stats: {} as Record<string, VmStats>,
    connected: false,
    selected: null as string | null,
    /** The last failed command, shown until dismissed. */
    error: null as string | null,
    /** The board whose kernel the inspector shows. */
    inspecting: null as string | null,
  }),
  getters: {
    vms(state): VmInfo[] {
      return state.boards.flatMap((b) => b.vms)
    },
    /** Boards whose worker runs a session and answers: the kernel and the VMs take commands. */
    answering(state): Set<string> {
      return new Set(state.boards.filter((b) => b.state === 'booting' || b.state === 'running' || b.state === 'failed').map((b) => b.id))
    },
  },
  actions: {
    /** Binds the store to a transport and loads the first snapshot. */
    async attach(b: LabBridge): Promise<void> {
      bridge = b
      b.on('lab.changed', (s) => this.apply(s))
      b.on('stats', ({ stats }) => {
        const next: Record<string, VmStats> = {}
        for (const s of stats) next[s.vm] = s
        this.stats = next
      })
      this.apply(await b.call('lab.snapshot', {}))
    },
    apply(s: LabSnapshot): void {
      this.version = s.version
      this.boards = s.boards
      if (this.selected === null || !this.vms.some((v) => v.id === this.selected)) this.selected = (this.vms.find((v) => !v.system) ?? this.vms[0])?.id ?? null
    },
    select(vm: string): void {
      this.selected = vm
    },
    async run(action: () => Promise<unknown>): Promise<void> {
      try {
        await action()
      } catch (e) {
        this.error = e instanceof Error ? e.message : String(e)
      }
    },
    startVm(vm: string) {
      return this.run(() => labBridge().call('vm.start', { vm }))
    },
    stopVm(vm: string) {
      return this.run(() => labBridge().call('vm.stop', { vm }))
    },
    restartVm(vm: string) {
      return this.run(() => labBridge().call('vm.restart', { vm }))
    },
    restartBoard(board: string) {
      return this.run(() => labBridge().call('board.restart', { board }))
    },
  },
})
