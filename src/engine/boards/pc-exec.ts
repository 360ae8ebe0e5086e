/** "pc-exec" (resources/boards/pc-exec.json): the board behind `l4lab exec --arch x86_64`. */
export { PC_EXEC } from './shipped'
