import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import BootProgress from './BootProgress.vue'
import type { BoardInfo, BootPhaseView } from '../../../shared/contract'

const phase = (name: string, kind: BootPhaseView['kind'], state: BootPhaseView['state'], atMs = 0): BootPhaseView => ({ name, kind, state, atMs })
const base = (ned: BootPhaseView['state']) => [
  phase('kernel', 'kernel', 'done'),
  phase('sigma0', 'program', 'done', 0.1),
  phase('moe', 'program', 'done', 0.2),
  phase('cons', 'program', 'done', 0.3),
  phase('ned', 'program', ned, 0.4),
]
const board = (state: BoardInfo['state'], boot: BootPhaseView[] | undefined): BoardInfo => ({ id: 'arm0', name: 'arm0', kind: 'scenario', state, boot, vms: [] })

const steps = (w: ReturnType<typeof mount>) => w.findAll('.boot-step').map((s) => `${s.attributes('data-testid')}:${s.attributes('data-state')}`)

describe('BootProgress', () => {
  it('shows each phase and a bar of those done while the board boots, naming the one coming up', () => {
    const w = mount(BootProgress, { props: { board: board('booting', [...base('active'), phase('vm1', 'vm', 'active', 2)]) } })
    expect(steps(w)).toEqual([
      'boot-step-kernel:done',
      'boot-step-sigma0:done',
      'boot-step-moe:done',
      'boot-step-cons:done',
      'boot-step-ned:active',
      'boot-step-vm1:active',
    ])
    expect(w.get('[role="progressbar"]').attributes('aria-valuenow')).toBe('4')
    expect(w.get('[role="progressbar"]').attributes('aria-valuemax')).toBe('6')
    expect(w.get('.boot-bar-fill').attributes('style')).toContain('width: 66.6')
    expect(w.get('.boot-line').text()).toBe('starting ned…')
    expect(w.get('[data-testid="boot-step-vm1"]').attributes('title')).toBe('vm1: active at 2.0 ms')
  })

  it('stays while a VM still boots after the script ended, and goes once all are up', async () => {
    const w = mount(BootProgress, { props: { board: board('running', [...base('done'), phase('vm1', 'vm', 'done'), phase('vm2', 'vm', 'active')]) } })
    expect(w.get('.boot-line').text()).toBe('starting vm2…')
    await w.setProps({ board: board('running', [...base('done'), phase('vm1', 'vm', 'done'), phase('vm2', 'vm', 'done')]) })
    expect(w.find('[data-testid="boot-arm0"]').exists()).toBe(false)
  })

  it('shows how far a failed scenario got', () => {
    const w = mount(BootProgress, { props: { board: board('failed', [...base('failed'), phase('server', 'vm', 'done')]) } })
    expect(w.get('[data-testid="boot-step-ned"]').attributes('data-state')).toBe('failed')
    expect(w.get('[data-testid="boot-step-ned"]').text()).toBe('✗ ned')
    expect(w.get('.boot-line').text()).toContain('the scenario failed')
  })

  it('shows nothing for boards without phases, or crashed ones', () => {
    expect(mount(BootProgress, { props: { board: board('running', undefined) } }).find('.boot-progress').exists()).toBe(false)
    expect(mount(BootProgress, { props: { board: board('crashed', base('active')) } }).find('.boot-progress').exists()).toBe(false)
  })
})
