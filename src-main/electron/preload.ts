// Runs sandboxed and context-isolated; bundled to one CommonJS file by electron-vite.
// The page gets exactly one function per contract method, each bound to its own channel:
// no generic invoke, no way to name a channel from the page.
import { contextBridge, ipcRenderer } from 'electron';
import { OPERATOR_METHODS, type OperatorMethod } from '../../src-shared/operator-methods.js';
import { operatorChannel } from './channels.js';
import type { CharonPreloadApi } from './preload-api.js';

function callFor(method: OperatorMethod): (input: unknown) => Promise<unknown> {
  const channel = operatorChannel(method);
  // Only the input crosses; extra arguments from the page are dropped.
  return (input: unknown) => ipcRenderer.invoke(channel, input);
}

const api = Object.freeze(Object.fromEntries(OPERATOR_METHODS.map((method) => [method, callFor(method)]))) as CharonPreloadApi;

contextBridge.exposeInMainWorld('charon', api);
