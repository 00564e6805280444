// The live connection to the monitor: socket.io on the page's own origin (default path `/socket.io`).
import { onCleanup } from 'solid-js';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeAck } from '../../core/protocol.ts';

export type MonitorSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The part of a socket the data client uses, so tests can hand it a stand-in. */
export type LiveSocket = Pick<MonitorSocket, 'on' | 'off' | 'emit' | 'connected'>;

/** Connects to the page's origin; disconnects with the owner. */
export function createSocket(): MonitorSocket {
  const socket: MonitorSocket = io();
  onCleanup(() => socket.disconnect());
  return socket;
}

/**
 * Joins a run's room. Resolves with the server's answer once it has joined (every event of the run from
 * then on arrives) or with why it did not (an invalid run id).
 */
export function subscribeToRun(socket: LiveSocket, runId: string): Promise<SubscribeAck> {
  return new Promise((resolve) => socket.emit('subscribe', runId, resolve));
}
