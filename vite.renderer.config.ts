// The console's build, shared by the headless build (`vite build -c vite.renderer.config.ts`,
// served by `charon serve` from dist/renderer) and the renderer section of electron.vite.config.ts.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type UserConfig } from 'vite';

const rendererRoot = fileURLToPath(new URL('./src-renderer', import.meta.url));

/** Settings both builds share; each build adds only its output directory. */
export function rendererConfig(outDir: string): UserConfig {
  return {
    root: rendererRoot,
    // Relative asset URLs: the same files work from any loopback port the bridge listens on.
    base: './',
    plugins: [react()],
    build: {
      outDir: fileURLToPath(new URL(outDir, import.meta.url)),
      emptyOutDir: true,
      target: 'es2023',
      // The polyfill would be an inline script, which the CSP (script-src 'self') refuses.
      modulePreload: { polyfill: false },
      sourcemap: true,
      rolldownOptions: { input: fileURLToPath(new URL('./src-renderer/index.html', import.meta.url)) },
    },
  };
}

export default defineConfig(rendererConfig('./dist/renderer'));
