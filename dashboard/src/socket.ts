// The live connection to the monitor: socket.io on the page's own origin (default path `/socket.io`).
import { onCleanup } from 'solid-js';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../core/protocol.ts';

export type MonitorSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The part of a socket the data client uses, so tests can hand it a stand-in. */
export type LiveSocket = Pick<MonitorSocket, 'on' | 'off' | 'emit' | 'connected'>;

/** Connects to the page's origin; disconnects with the owner. */
export function createSocket(): MonitorSocket {
  const socket: MonitorSocket = io();
  onCleanup(() => socket.disconnect());
  return socket;
}
