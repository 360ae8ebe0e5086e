/**
 * Files dropped on a console go into that VM's /tmp (issue 15, item 6):
 * each read in the page and sent in order, in pieces the contract takes
 * (DROP_PIECE_BYTES, base64), one after another so the VM writes them at
 * their offsets in turn.
 */
import type { DropPieceBytes, LabBridge } from '../../../shared/contract'

/** What one `vm.putFile` carries (the contract's type fixes the value). */
export const DROP_PIECE_BYTES: DropPieceBytes = 262_144

/** Larger files are refused in the page (a VM's /tmp holds half its memory, a few tens of MiB). */
export const DROP_LIMIT_BYTES = 64 << 20

/** What a drop did, file by file: the path it went to, or why not. */
export type DropOutcome = { file: string; bytes: number } & ({ ok: true; path: string } | { ok: false; error: string })

/** A file as the drop hands it over (the DOM's File has this shape). */
export interface DroppedFile {
  name: string
  size: number
  arrayBuffer(): Promise<ArrayBuffer>
}

export async function dropFiles(bridge: LabBridge, vm: string, files: readonly DroppedFile[]): Promise<DropOutcome[]> {
  const outcomes: DropOutcome[] = []
  for (const f of files) {
    if (f.size > DROP_LIMIT_BYTES) {
      outcomes.push({ file: f.name, bytes: f.size, ok: false, error: `${f.name} is ${Math.ceil(f.size / 2 ** 20)} MiB: files up to ${DROP_LIMIT_BYTES / 2 ** 20} MiB can be dropped` })
      continue
    }
    try {
      const bytes = new Uint8Array(await f.arrayBuffer())
      let path = ''
      // An empty file still takes one (empty) piece: it is created.
      for (let offset = 0; offset === 0 || offset < bytes.length; offset += DROP_PIECE_BYTES) {
        const piece = bytes.subarray(offset, offset + DROP_PIECE_BYTES)
        path = (await bridge.call('vm.putFile', { vm, name: f.name, offset, data: base64(piece) })).path
      }
      outcomes.push({ file: f.name, bytes: bytes.length, ok: true, path })
    } catch (e) {
      outcomes.push({ file: f.name, bytes: f.size, ok: false, error: e instanceof Error ? e.message : String(e) })
    }
  }
  return outcomes
}

/** Base64 of bytes, through btoa in slices (fromCharCode takes only so many arguments). */
export function base64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}
