// lib/streaming: the remotecommand channel protocol over WebSocket, shared by the kubelet server,
// the apiserver's exec/attach bridge and clients.
export * from './protocol.js';
export * from './status.js';
export { serveSession, type StreamSessionLike, type ServeSessionOptions } from './serve-session.js';
export { pipeWebSockets } from './pipe.js';
export { acceptWebSocket, rejectUpgrade, isWebSocketUpgrade } from './upgrade.js';
export { dialWebSocket, type DialResult } from './dial.js';
