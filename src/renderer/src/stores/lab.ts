/**
 * The lab as the UI sees it: a mirror of the back end's snapshot and
 * figures, kept current by contract events. No engine logic lives here;
 * actions only send contract commands.
 */
import { defineStore } from 'pinia'
import { markRaw } from 'vue'
import { StatsHistory } from '../graphs/history'
import type { BoardInfo, BoardStats, LabBridge, LabSnapshot, VmInfo, VmState, VmStats } from '../../../shared/contract'

/** The transport's link to the back end: not yet up, up, or lost after being up (the transport reconnects). */
export type Connection = 'connecting' | 'connected' | 'disconnected'

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
    /** Each board's kernel figures, the newest (boards with a kernel). */
    boardStats: {} as Record<string, BoardStats>,
    connection: 'connecting' as Connection,
    selected: null as string | null,
    /** The last failed command, shown until dismissed. */
    error: null as string | null,
    /** The board whose kernel the inspector shows. */
    inspecting: null as string | null,
    /** The board whose graphs are open. */
    graphing: null as string | null,
    /** Every VM's and board's figures over time, recorded whether or not graphs are open (not reactive: see StatsHistory). */
    history: markRaw(new StatsHistory()),
  }),
  getters: {
    vms(state): VmInfo[] {
      return state.boards.flatMap((b) => b.vms)
    },
    /** Boards whose worker runs a session and answers: the kernel and the VMs take commands. */
    answering(state): Set<string> {
      return new Set(state.boards.filter((b) => b.state === 'booting' || b.state === 'running' || b.state === 'failed').map((b) => b.id))
    },
    connected: (state): boolean => state.connection === 'connected',
    /** A VM's state as the UI shows it: while the connection is lost, what the store holds may be stale. */
    vmState:
      (state) =>
      (vm: VmInfo): VmState | 'disconnected' =>
        state.connection === 'disconnected' ? 'disconnected' : vm.state,
  },
  actions: {
    /** Binds the store to a transport and loads the first snapshot. */
    async attach(b: LabBridge): Promise<void> {
      bridge = b
      b.on('lab.changed', (s) => this.apply(s))
      b.on('stats', ({ stats, boards }) => {
        const next: Record<string, VmStats> = {}
        for (const s of stats) next[s.vm] = s
        this.stats = next
        const byBoard: Record<string, BoardStats> = {}
        for (const b of boards) byBoard[b.board] = b
        this.boardStats = byBoard
        this.history.record(stats, boards, Date.now() / 1000)
      })
      this.apply(await b.call('lab.snapshot', {}))
      // A snapshot came back: the bridge is up.
      this.setConnected(true)
    },
    apply(s: LabSnapshot): void {
      this.version = s.version
      this.boards = s.boards
      this.history.retain(new Set(this.vms.map((v) => v.id)), new Set(s.boards.map((b) => b.id)))
      if (this.graphing !== null && !s.boards.some((b) => b.id === this.graphing)) this.graphing = null
      // A board removed (board.remove) takes its inspector along.
      if (this.inspecting !== null && !s.boards.some((b) => b.id === this.inspecting)) this.inspecting = null
      if (this.selected === null || !this.vms.some((v) => v.id === this.selected)) this.selected = (this.vms.find((v) => !v.system) ?? this.vms[0])?.id ?? null
    },
    setConnected(up: boolean): void {
      if (up) this.connection = 'connected'
      else if (this.connection === 'connected') {
        this.connection = 'disconnected'
        // Figures stop coming; old ones would look live.
        this.stats = {}
        this.boardStats = {}
      }
    },
    /** Opens the board's kernel inspector in the main pane (closing graphs), or closes it. */
    toggleInspector(board: string): void {
      this.inspecting = this.inspecting === board ? null : board
      this.graphing = null
    },
    /** Opens the board's graphs in the main pane (closing the inspector), or closes them. */
    toggleGraphs(board: string): void {
      this.graphing = this.graphing === board ? null : board
      this.inspecting = null
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
    /** Stops a board started by Run and takes it out of the lab (the snapshot that follows drops it). */
    removeBoard(board: string) {
      return this.run(() => labBridge().call('board.remove', { board }))
    },
  },
})
