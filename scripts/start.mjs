#!/usr/bin/env node
// `npm start`: the desktop app when an Electron binary is installed, else the headless
// control plane (electron-binary.mjs finds the binary without triggering Electron's download).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './electron-binary.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);

function runOrExit(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.error) {
    console.error(`Could not run ${command}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/**
 * Runs the child with our stdio, passes termination signals on, and exits with its code.
 * On POSIX the child gets its own process group, so Ctrl+C in a terminal (which signals the
 * whole foreground group) reaches it once, through us, instead of twice.
 */
function supervise(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env, detached: process.platform !== 'win32' });
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  // A closed terminal hangs up only its foreground group: ask the child to shut down cleanly.
  const hangUp = () => forward('SIGTERM');
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  if (process.platform !== 'win32') process.on('SIGHUP', hangUp);
  child.on('error', (error) => {
    console.error(`Could not start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // Re-raise so our parent sees the same cause of death; the handlers above are gone first.
      process.removeListener('SIGINT', forward);
      process.removeListener('SIGTERM', forward);
      process.removeListener('SIGHUP', hangUp);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}

const electronBinary = findElectronBinary(root);
if (electronBinary) {
  if (!existsSync(join(root, 'out', 'main'))) {
    runOrExit(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);
  }
  // ELECTRON_RUN_AS_NODE in the environment would turn the app into a plain Node process.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  supervise(electronBinary, [root, ...args], env);
} else {
  console.log('No Electron binary on this machine (it cannot be downloaded here): starting the control plane headless (charon serve).');
  // bin/charon.js runs the compiled CLI; build it (and the console it serves) on first start.
  if (!existsSync(join(root, 'dist', 'src-main', 'cli', 'charon.js'))) runOrExit('npm', ['run', 'build']);
  supervise(process.execPath, [join(root, 'bin', 'charon.js'), 'serve', ...args]);
}
