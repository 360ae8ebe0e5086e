/** "pc" (resources/boards/pc.json): the x86-64 board of a scenario of x86-64 lx VMs. */
export { PC } from './shipped'
