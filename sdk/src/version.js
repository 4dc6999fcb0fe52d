/** The SDK's version, sent as `agent.version` (kept equal to `sdk/package.json` by a test). */
export const VERSION = "0.1.0";
