/** Console text between guests and the lab's terminals. */

/**
 * LF → CR LF for one terminal's output, leaving existing CR LF alone:
 * terminals want CR LF; native programs write LF (a Linux guest's tty adds
 * the CR itself, ONLCR). A write may end with the CR of a CR LF whose LF
 * starts the next write, so the converter remembers the last byte.
 */
export class CrLf {
  private lastWasCr = false

  convert(b: Uint8Array): Uint8Array {
    // Counted line by line (indexOf is a native scan): most output is a guest tty's, already CR LF.
    let n = 0
    for (let i = b.indexOf(0x0a); i >= 0; i = b.indexOf(0x0a, i + 1)) if (i === 0 ? !this.lastWasCr : b[i - 1] !== 0x0d) n++
    let prevCr: boolean
    const last = b.length > 0 ? b[b.length - 1] === 0x0d : this.lastWasCr
    if (n === 0) {
      this.lastWasCr = last
      return b
    }
    const out = new Uint8Array(b.length + n)
    let o = 0
    prevCr = this.lastWasCr
    for (let i = 0; i < b.length; i++) {
      if (b[i] === 0x0a && !prevCr) out[o++] = 0x0d
      prevCr = b[i] === 0x0d
      out[o++] = b[i]
    }
    this.lastWasCr = last
    return out
  }
}
