// Packaging cannot run on these machines (no Electron binary can be downloaded), so the
// electron-builder configuration is checked here instead: by electron-builder's own schema
// validation, and for what the schema cannot know (files that must exist, the hardened runtime,
// the native module rebuilt for Electron, every platform's targets).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Configuration } from 'app-builder-lib';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');
const config = JSON.parse(read('electron-builder.json')) as Record<string, unknown> & {
  files: string[];
  extraResources: { from: string; to: string }[];
  asarUnpack: string[];
  mac: { target: string[]; hardenedRuntime: boolean; entitlements: string; entitlementsInherit: string; icon: string };
  win: { target: string[]; icon: string };
  linux: { target: string[]; icon: string };
};
const pkg = JSON.parse(read('package.json')) as { main: string; dependencies: Record<string, string>; devDependencies: Record<string, string>; scripts: Record<string, string> };

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(`${root}${path}`);
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function plistKeys(path: string): string[] {
  return [...read(path).matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g)].map((m) => m[1] ?? '');
}

describe('electron-builder configuration', () => {
  it("passes electron-builder's own validation", async () => {
    const { validateConfiguration } = await import('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = await import('builder-util');
    const { $schema: _schema, ...rest } = config;
    await expect(validateConfiguration(rest as Configuration, new DebugLogger(false))).resolves.toBeUndefined();
    // And it would say so: a misspelt option is refused.
    const misspelt = { ...rest, mac: { ...config.mac, hardenedRuntim: true } } as Configuration;
    await expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/configuration.mac/);
  });

  it('flips the Electron fuses that would let anything but our asar run as the app (ELECTRON_RUN_AS_NODE, NODE_OPTIONS, --inspect, a loose app folder)', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    // The app itself never needs Electron as plain Node: nothing in the main process runs process.execPath.
    for (const file of ['src-main/electron/main.ts', 'src-main/app/control-plane.ts']) expect(read(file)).not.toMatch(/ELECTRON_RUN_AS_NODE/);
  });

  it('builds dmg and zip (macOS), NSIS (Windows), AppImage and deb (Linux)', () => {
    expect(config.mac.target).toEqual(['dmg', 'zip']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
  });

  it('signs macOS builds with the hardened runtime and only the entitlements Electron needs', () => {
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(plistKeys(config.mac.entitlements).sort()).toEqual(['com.apple.security.cs.allow-jit', 'com.apple.security.cs.disable-library-validation']);
    expect(plistKeys(config.mac.entitlementsInherit)).toEqual(['com.apple.security.cs.allow-jit']);
    for (const file of [config.mac.entitlements, config.mac.entitlementsInherit]) {
      // A debugger-attachable or DYLD-injectable release would undo the hardened runtime.
      expect(read(file)).not.toMatch(/get-task-allow|allow-dyld-environment-variables|allow-unsigned-executable-memory/);
    }
  });

  it('packs the electron-vite bundle, with better-sqlite3 rebuilt for Electron and outside the asar', () => {
    expect(pkg.main.startsWith('out/')).toBe(true);
    expect(config.files).toContain('out/**/*');
    expect(config.npmRebuild).toBe(true);
    expect(config.buildDependenciesFromSource).toBe(false);
    expect(pkg.dependencies['better-sqlite3']).toBeDefined();
    expect(config.asarUnpack).toContain('**/node_modules/better-sqlite3/**');
    // The renderer's libraries are bundled by Vite; only the main process's come from node_modules.
    for (const bundled of ['react', 'react-dom', '@xyflow/react', '@tanstack/react-query', 'electron']) expect(pkg.dependencies[bundled]).toBeUndefined();
    expect(pkg.scripts.dist).toBe('electron-vite build && electron-builder');
  });

  it('has the icons it names: a 1024 px app icon and the tray icon the main process loads', () => {
    expect(pngSize(config.mac.icon)).toEqual({ width: 1024, height: 1024 });
    expect(config.win.icon).toBe(config.mac.icon);
    expect(config.linux.icon).toBe(config.mac.icon);
    expect(config.extraResources).toContainEqual({ from: 'resources/tray.png', to: 'tray.png' });
    for (const { from } of config.extraResources) expect(existsSync(`${root}${from}`)).toBe(true);
    expect(pngSize('resources/tray.png')).toEqual({ width: 16, height: 16 });
    expect(pngSize('resources/tray@2x.png')).toEqual({ width: 32, height: 32 });
    // main.ts reads it from the resources directory when packaged.
    expect(read('src-main/electron/main.ts')).toContain("join(process.resourcesPath, 'tray.png')");
  });
});
