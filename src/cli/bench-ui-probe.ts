/**
 * The part of `l4lab bench ui` that runs inside the page (installed before
 * the renderer's own scripts): it measures where the user looks, on the
 * page's clock. A text counts as shown when xterm's rows hold it — the DOM
 * renderer changes the rows in the frame it paints.
 *
 *   l4labBench('prompts', [vms, limitMs])       every VM's rows end in a prompt
 *   l4labBench('watch', [vm, text, limitMs])    arms a watch: the next keydown
 *                                               starts it, `text` in the rows ends it
 *   l4labBench('result', [])                    the armed watch's milliseconds
 *   l4labBench('frames', [selector, ms])        changed frames of a canvas in `ms`
 *
 * Each answers { ok: true, value } or { ok: false, error } (never throws, so the
 * driver can say what went wrong). Plain JavaScript in a string: it runs in
 * the page, not in Node, and the CLI is compiled without the DOM's types.
 */
export type ProbeResult = { ok: true; value: number } | { ok: false; error: string }

export const PAGE_PROBE = String.raw`
(() => {
  const SCREEN = Symbol.for('l4lab.screenText')
  const rowsOf = (vm) => document.querySelector('[data-testid="console-' + vm + '"] .terminal-host')
  // Row by row: what the user reads.
  const text = (host) => host && host[SCREEN] ? host[SCREEN]() : ''
  const fail = (error) => ({ ok: false, error })
  let watch = null

  function prompts(vms, limitMs) {
    const t0 = performance.now()
    return new Promise((resolve) => {
      const look = () => {
        const missing = vms.filter((vm) => !/[#$]$/.test(text(rowsOf(vm)).trimEnd()))
        if (missing.length === 0) return resolve({ ok: true, value: performance.now() - t0 })
        if (performance.now() - t0 > limitMs) return resolve(fail('no prompt in the xterm of ' + missing.join(', ') + ' within ' + limitMs + ' ms'))
        setTimeout(look, 5)
      }
      look()
    })
  }

  function arm(vm, needle, limitMs) {
    const rows = rowsOf(vm)
    if (!rows) return fail('no console for ' + vm + ' in the page')
    let keyAt = null
    let done
    const result = new Promise((resolve) => (done = resolve))
    const onKey = () => { if (keyAt === null) keyAt = performance.now() }
    document.addEventListener('keydown', onKey, true)
    const finish = (r) => {
      document.removeEventListener('keydown', onKey, true)
      rows.removeEventListener('l4lab-render', check)
      clearInterval(poll)
      done(r)
    }
    const late = () => keyAt !== null && performance.now() - keyAt > limitMs
    const tooLate = () => finish(fail(JSON.stringify(needle) + ' did not appear in ' + vm + "'s xterm within " + limitMs + ' ms'))
    // Read only after a drawn frame: the terminal may hold text it has not drawn yet.
    const check = () => {
      if (keyAt === null) return
      if (text(rows).includes(needle)) finish({ ok: true, value: performance.now() - keyAt })
      else if (late()) tooLate()
    }
    rows.addEventListener('l4lab-render', check)
    // The time limit holds when nothing is drawn at all.
    const poll = setInterval(() => { if (late()) tooLate() }, 100)
    watch = result
    return { ok: true, value: 0 }
  }

  function frames(selector, ms) {
    const canvas = document.querySelector(selector)
    if (!canvas) return Promise.resolve(fail('no canvas ' + selector))
    // A small copy of each frame is enough to tell frames apart (any canvas kind draws into a 2D one).
    const probe = document.createElement('canvas')
    probe.width = 64
    probe.height = 48
    const ctx = probe.getContext('2d', { willReadFrequently: true })
    let last = -1
    let changed = 0
    const t0 = performance.now()
    return new Promise((resolve) => {
      const frame = () => {
        ctx.drawImage(canvas, 0, 0, 64, 48)
        const px = ctx.getImageData(0, 0, 64, 48).data
        let h = 0
        for (let i = 0; i < px.length; i += 4) h = (Math.imul(h, 31) + px[i] + (px[i + 1] << 8) + (px[i + 2] << 16)) | 0
        if (last !== -1 && h !== last) changed++
        last = h
        if (performance.now() - t0 < ms) requestAnimationFrame(frame)
        else resolve({ ok: true, value: changed })
      }
      requestAnimationFrame(frame)
    })
  }

  globalThis.l4labBench = async (what, args) => {
    try {
      if (what === 'prompts') return await prompts(args[0], args[1])
      if (what === 'watch') return arm(args[0], args[1], args[2])
      if (what === 'result') return watch ? await watch : fail('no watch armed')
      if (what === 'frames') return await frames(args[0], args[1])
      return fail('unknown probe ' + what)
    } catch (e) {
      return fail(String(e && e.message || e))
    }
  }
})()
`
