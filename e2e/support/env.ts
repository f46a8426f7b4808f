// What global setup hands to the tests (through the environment, which Playwright passes on).
export const BRIDGE_URL_VAR = 'CHARON_E2E_BRIDGE_URL';
export const AGENT_URL_VAR = 'CHARON_E2E_AGENT_URL';

/** The console's URL with the bridge secret in its fragment. */
export function bridgeUrl(): string {
  const url = process.env[BRIDGE_URL_VAR];
  if (!url) throw new Error(`${BRIDGE_URL_VAR} is not set: run these tests through playwright.config.ts, whose global setup starts charon serve`);
  return url;
}
