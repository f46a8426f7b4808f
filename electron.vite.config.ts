// The desktop build: main and preload from src-main/electron, the console from src-renderer.
// The main process loads the console from the loopback operator bridge (see window.ts),
// which serves out/renderer.
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './vite.renderer.config.js';

export default defineConfig({
  main: {
    build: {
      // better-sqlite3 is native and jose/zod are plain dependencies: load them from node_modules.
      externalizeDeps: true,
      rolldownOptions: { input: { index: 'src-main/electron/main.ts' } },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot load ESM nor require anything but electron: one self-contained CommonJS file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { preload: 'src-main/electron/preload.ts' },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: rendererConfig('./out/renderer'),
});
