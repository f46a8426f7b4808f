// The only module of the main process that touches ipcMain. Every operator method gets one
// handler on its own channel; each call is checked for who sent it, validated against the
// shared schema, and answered with a Result, so nothing is ever thrown across IPC.
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { OPERATOR_METHODS, type OperatorHandlers, type OperatorMethod } from '../../src-shared/operator-api.js';
import { fail, ok, type Result } from '../../src-shared/result.js';
import { validateOperatorCall } from '../../src-shared/validate.js';
import { operatorChannel } from './channels.js';
import { toErrorPayload } from './error-payload.js';

export interface OperatorIpcOptions {
  readonly handlers: OperatorHandlers;
  /** The origin the console is served from, e.g. `http://localhost:41234`. */
  readonly rendererOrigin: string;
  /** True for the webContents of windows this app created. */
  readonly isOwnWindow: (contents: WebContents) => boolean;
}

/** Registers one handler per contract method; returns a function that removes them all. */
export function registerOperatorIpc(options: OperatorIpcOptions): () => void {
  for (const method of OPERATOR_METHODS) {
    ipcMain.handle(operatorChannel(method), (event, payload: unknown) => handleCall(options, method, event, payload));
  }
  return () => {
    for (const method of OPERATOR_METHODS) ipcMain.removeHandler(operatorChannel(method));
  };
}

async function handleCall(options: OperatorIpcOptions, method: OperatorMethod, event: IpcMainInvokeEvent, payload: unknown): Promise<Result<unknown>> {
  if (!isTrustedSender(event, options)) {
    return fail({ code: 'ERR_FORBIDDEN', message: 'This frame may not use the operator API.' });
  }
  const call = validateOperatorCall(method, payload);
  if (!call.ok) return fail(call.error);
  // The table is keyed by method, so the handler and its validated input match; TypeScript
  // cannot correlate the two through the union, hence the widening.
  const handler = options.handlers[method] as (input: unknown) => Promise<unknown>;
  try {
    return ok(await handler(call.value.input));
  } catch (error) {
    const payloadOut = toErrorPayload(error);
    if (payloadOut.code === 'ERR_INTERNAL') console.error(`operator ${method} failed:`, error);
    return fail(payloadOut);
  }
}

/**
 * Only the main frame of one of our windows, showing our origin, may call: not an iframe,
 * not a page the window was somehow navigated to, not another webContents.
 */
function isTrustedSender(event: IpcMainInvokeEvent, options: OperatorIpcOptions): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  const main = event.sender.mainFrame;
  if (frame.processId !== main.processId || frame.routingId !== main.routingId) return false;
  if (!options.isOwnWindow(event.sender)) return false;
  try {
    return new URL(frame.url).origin === options.rendererOrigin;
  } catch {
    return false;
  }
}
