// The live connection to the monitor: socket.io on the page's own origin (default path `/socket.io`).
import { onCleanup } from 'solid-js';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeAck } from '../../core/protocol.ts';
import { accessToken } from './api.ts';

export type MonitorSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The part of a socket the data client uses, so tests can hand it a stand-in. */
export type LiveSocket = Pick<MonitorSocket, 'on' | 'off' | 'emit' | 'connected'>;

/** Connects to the page's origin with the page's access token, following the run list; disconnects with the owner. */
export function createSocket(): MonitorSocket {
  const token = accessToken();
  // A WebSocket straight away, polling only if that fails: socket.io's default starts with a few long-polling
  // requests, which took HTTP connections (six per origin) from the first paint's API requests.
  const transport = { transports: ['websocket', 'polling'], tryAllTransports: true };
  const socket: MonitorSocket = io(token === null ? transport : { ...transport, auth: { token } });
  // The server forgets rooms on disconnect, so the run list is asked for on every connect.
  const followRunList = (): void => {
    socket.emit('subscribeRuns');
  };
  socket.on('connect', followRunList);
  onCleanup(() => {
    socket.off('connect', followRunList);
    socket.disconnect();
  });
  return socket;
}

/**
 * Joins a run's room. Resolves with the server's answer once it has joined (every event of the run from
 * then on arrives) or with why it did not (an invalid run id).
 */
export function subscribeToRun(socket: LiveSocket, runId: string): Promise<SubscribeAck> {
  return new Promise((resolve) => socket.emit('subscribe', runId, resolve));
}
