// Runs sandboxed and context-isolated; bundled to one CommonJS file by electron-vite.
// The page gets exactly one function per contract method, each bound to its own channel:
// no generic invoke, no way to name a channel from the page. Pushed events arrive on one
// fixed channel, delivered to the page's listener without Electron's event object.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { OPERATOR_METHODS, type OperatorMethod } from '../../src-shared/operator-methods.js';
import { OPERATOR_EVENT_CHANNEL, operatorChannel } from './channels.js';
import type { CharonPreloadApi } from './preload-api.js';

function callFor(method: OperatorMethod): (input: unknown) => Promise<unknown> {
  const channel = operatorChannel(method);
  // Only the input crosses; extra arguments from the page are dropped.
  return (input: unknown) => ipcRenderer.invoke(channel, input);
}

const api = Object.freeze(Object.fromEntries(OPERATOR_METHODS.map((method) => [method, callFor(method)]))) as CharonPreloadApi;

const events = Object.freeze({
  subscribe(listener: (message: unknown) => void): () => void {
    const forward = (_event: IpcRendererEvent, message: unknown) => listener(message);
    ipcRenderer.on(OPERATOR_EVENT_CHANNEL, forward);
    return () => void ipcRenderer.removeListener(OPERATOR_EVENT_CHANNEL, forward);
  },
});

contextBridge.exposeInMainWorld('charon', api);
contextBridge.exposeInMainWorld('charonEvents', events);
