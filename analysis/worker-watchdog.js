// The watchdog of one pool of analysis workers: a plain Node process the monitor forks and never stops. It
// records each worker's pid (messages { type: 'watch' | 'unwatch', pid }, see core/worker-protocol.ts) and,
// when its channel to the monitor closes (the monitor exited, crashed or was SIGKILLed), kills them all. A
// worker can watch its own channel too, but not while it is stopped (SIGSTOP) for a more urgent job.
const workers = new Set();

process.on('message', (message) => {
  if (message && Number.isSafeInteger(message.pid) && message.pid > 0) {
    if (message.type === 'watch') {
      workers.add(message.pid);
    } else if (message.type === 'unwatch') {
      workers.delete(message.pid);
    }
  }
});

process.on('disconnect', () => {
  for (const pid of workers) {
    try {
      process.kill(pid, 'SIGKILL'); // works on a stopped process too
    } catch {
      // it exited already
    }
  }
  process.exit(0);
});

// A Ctrl-C or hang-up reaches the terminal's whole process group; the watchdog goes only with its monitor.
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
