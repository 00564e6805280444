// The dashboard's data client outside a browser, for tests: every path it asks for goes to a function the test
// writes and is recorded in order, and the monitor's socket events are delivered by hand.
import { createDataClient, type DataClient } from '../../dashboard/src/data-client.ts';
import type { LiveSocket } from '../../dashboard/src/socket.ts';

/** A socket.io stand-in: `deliver` fires a monitor event at the client's listener; a subscribe is acknowledged. */
export function eventSocket(connected = false): { socket: LiveSocket; deliver(event: string, payload: unknown): void } {
  const listeners = new Map<string, (payload: unknown) => void>();
  const socket = {
    connected,
    on: (event: string, listener: (payload: unknown) => void) => (listeners.set(event, listener), socket),
    off: () => socket,
    emit: (_event: string, runId: string, ack?: (result: unknown) => void) => (ack?.({ ok: true, runId }), socket),
  };
  return { socket: socket as unknown as LiveSocket, deliver: (event, payload) => listeners.get(event)?.(payload) };
}

export interface RecordingClient {
  client: DataClient;
  /** Every path the client asked for, in order. */
  calls: string[];
  /** Delivers a monitor event (`analysis`, …) to the client. */
  deliver(event: string, payload: unknown): void;
}

export interface RecordingClientOptions {
  /** The run the URL asks for (default none: the newest). */
  requestedRun?: string | null;
  /** Whether the socket starts connected (default false: the client subscribes to nothing). */
  connected?: boolean;
}

/** A data client whose requests `answer` answers; create it inside a Solid root, which disposes it. */
export function recordingClient(
  answer: (path: string, signal?: AbortSignal) => unknown,
  { requestedRun = null, connected = false }: RecordingClientOptions = {},
): RecordingClient {
  const calls: string[] = [];
  const { socket, deliver } = eventSocket(connected);
  const fetchJson = async (path: string, signal?: AbortSignal): Promise<unknown> => {
    calls.push(path);
    return answer(path, signal);
  };
  return { client: createDataClient({ requestedRun: () => requestedRun, socket, fetchJson }), calls, deliver };
}
