/** Names both ends of the loopback bridge agree on. */
export const BRIDGE_PATH = '/bridge';
export const BRIDGE_PROTOCOL = 'mua-bridge.v1';
/** The per-run token travels as a second WebSocket subprotocol: browsers cannot set other headers. */
export const TOKEN_PROTOCOL_PREFIX = 'mua-token.';
