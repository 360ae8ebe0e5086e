// What each build step reads and writes (paths from the project root): the
// steps skip themselves when fresh, and bin/l4lab.mjs asks the same question
// before it runs the CLI, so that one step's stale output never makes every
// start rebuild.
export const nodeStep = {
  // The shipped board files are bundled into the engine (boards/shipped.ts).
  inputs: ['src/cli', 'src/host', 'src/server', 'src/engine', 'src/shared', 'resources/boards', 'package.json'],
  outputs: ['out/cli/l4lab.mjs', 'out/engine/worker.mjs'],
}

export const rendererStep = {
  inputs: ['src/main', 'src/preload', 'src/renderer', 'src/shared', 'electron.vite.config.ts', 'package.json'],
  outputs: ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'],
}
